export { parseDecision, type ParseDecisionInput } from './parse-decision.js';
export {
  CLOSING_LINE_LABELS,
  closingLinesInstructions,
  missingClosingLines,
  readClosingLines,
  renderClosingLines,
  type ClosingLineKey,
  type ClosingLines,
} from './closing-lines.js';
export { allowedPositionActions, defaultPositionAction } from './position-action.js';
