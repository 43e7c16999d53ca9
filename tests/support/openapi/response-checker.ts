import { openApiPath, type OpenApiDocument } from '@tradingfloor/shared';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** One HTTP answer to check: what `Harness.api` returns. */
export interface CheckedResponse {
  status: number;
  text: string;
  headers: Headers;
}

type ResponseObject = { $ref?: string; content?: Record<string, { schema?: { $ref?: string; type?: string } }> };

/**
 * Checks real answers against an OpenAPI document: the status must be one the operation documents, the content
 * type one it names, and a JSON body must validate (Ajv, JSON Schema 2020-12, the dialect of OpenAPI 3.1)
 * against that response's schema. Remembers which operations it checked.
 */
export class ResponseChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  /** operationId → the statuses seen. */
  readonly checked = new Map<string, Set<number>>();

  constructor(private readonly doc: OpenApiDocument) {
    // zod writes `format` for e-mails, URLs, dates and the like: check them too.
    addFormats.default(this.ajv);
    // Only the components: the refs inside schemas all point there.
    this.ajv.addSchema({ $id: 'doc', components: { schemas: doc.components.schemas } });
  }

  /** Problems with `res` as the answer of `method koaPath` (empty when it conforms). */
  problems(method: string, koaPath: string, res: CheckedResponse): string[] {
    const where = `${method} ${koaPath} → ${res.status}`;
    const operation = this.doc.paths[openApiPath(koaPath)]?.[method.toLowerCase()] as
      { operationId: string; responses: Record<string, ResponseObject> } | undefined;
    if (operation === undefined) return [`${where}: no such operation in the document`];
    let response = operation.responses[String(res.status)];
    if (response === undefined) return [`${where}: status not documented (documented: ${Object.keys(operation.responses).join(', ')})`];
    if (response.$ref !== undefined) response = this.resolve(response.$ref) as ResponseObject;
    if (response.content === undefined) {
      // A response documented without content (a 304): the answer must have no body.
      this.seen(operation.operationId, res.status);
      return res.text === '' ? [] : [`${where}: a body on a response documented without one`];
    }
    const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const media = response.content?.[contentType];
    if (media === undefined)
      return [`${where}: content type ${contentType} not documented (${Object.keys(response.content ?? {}).join(', ')})`];
    this.seen(operation.operationId, res.status);
    if (contentType !== 'application/json') return media.schema?.type === 'string' ? [] : [`${where}: a text answer needs a string schema`];
    const ref = media.schema?.$ref;
    if (ref === undefined) return [`${where}: the JSON schema is not a component`];
    const validate = this.validatorFor(ref);
    if (validate(JSON.parse(res.text))) return [];
    return (validate.errors ?? []).slice(0, 5).map((e) => `${where}: ${e.instancePath || '(body)'} ${e.message ?? ''} (${e.schemaPath})`);
  }

  private seen(operationId: string, status: number): void {
    let seen = this.checked.get(operationId);
    if (!seen) this.checked.set(operationId, (seen = new Set()));
    seen.add(status);
  }

  private validatorFor(ref: string): ValidateFunction {
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.getSchema(`doc${ref}`);
      if (!validate) throw new Error(`cannot resolve ${ref}`);
      this.validators.set(ref, validate);
    }
    return validate;
  }

  private resolve(ref: string): unknown {
    return ref
      .slice(2)
      .split('/')
      .reduce<unknown>(
        (node, key) => (node as Record<string, unknown> | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')],
        this.doc,
      );
  }
}
