import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';

/** localStorage key of the chosen theme. */
const THEME_KEY = 'tradingfloor.theme';

export type ThemeChoice = 'system' | 'light' | 'dark';

const DARK_QUERY = '(prefers-color-scheme: dark)';

/**
 * Light or dark: follows the system setting until the user picks one, and remembers the pick. The resolved
 * theme is set as `data-theme` on `<html>`, which `base.css` keys its colours on.
 */
export const useThemeStore = defineStore('theme', () => {
  const stored = (() => {
    try {
      return localStorage.getItem(THEME_KEY);
    } catch {
      return null;
    }
  })();
  const choice = ref<ThemeChoice>(stored === 'light' || stored === 'dark' ? stored : 'system');
  const media = typeof matchMedia === 'function' ? matchMedia(DARK_QUERY) : null;
  const systemDark = ref(media?.matches ?? false);
  media?.addEventListener('change', (e) => (systemDark.value = e.matches));

  const theme = computed<'light' | 'dark'>(() => (choice.value === 'system' ? (systemDark.value ? 'dark' : 'light') : choice.value));

  watch(
    theme,
    (t) => {
      if (typeof document !== 'undefined') document.documentElement.dataset.theme = t;
    },
    { immediate: true },
  );
  watch(choice, (c) => {
    try {
      if (c === 'system') localStorage.removeItem(THEME_KEY);
      else localStorage.setItem(THEME_KEY, c);
    } catch {
      /* no storage: the choice lasts for this page */
    }
  });

  /** Light ↔ dark; the pick is remembered from then on (the system setting no longer decides). */
  function toggle(): void {
    choice.value = theme.value === 'dark' ? 'light' : 'dark';
  }

  return { choice, theme, toggle };
});
