/** The TimelineJS view: Knight Lab's script and styles served by Dateline itself, loaded on first use. */

interface TimelineJsGlobal {
  Timeline: new (container: HTMLElement, data: unknown, options: Record<string, unknown>) => unknown;
}

declare global {
  interface Window {
    TL?: TimelineJsGlobal;
  }
}

let loading: Promise<TimelineJsGlobal> | null = null;

function loadTimelineJs(): Promise<TimelineJsGlobal> {
  loading ??= new Promise<TimelineJsGlobal>((resolve, reject) => {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = '/timelinejs/css/timeline.css';
    document.head.append(css);
    const script = document.createElement('script');
    script.src = '/timelinejs/js/timeline.js';
    script.onload = () => {
      if (window.TL === undefined) reject(new Error('TimelineJS did not load'));
      else resolve(window.TL);
    };
    script.onerror = () => {
      reject(new Error('TimelineJS could not be fetched'));
    };
    document.head.append(script);
  });
  return loading;
}

interface TimelineJsData {
  title?: unknown;
  events?: { media?: unknown; [key: string]: unknown }[];
}

/**
 * Media slots point at source URLs elsewhere (TimelineJS would embed them or fetch their icons);
 * the page stays on its own origin, so sources stay in the slide text only.
 */
export function withoutMedia(data: unknown): TimelineJsData {
  const d = data as TimelineJsData;
  return {
    ...d,
    events: (d.events ?? []).map((event) => {
      const { media: _media, ...rest } = event;
      return rest;
    }),
  };
}

export async function showTimelineJs(container: HTMLElement, data: unknown, title: string): Promise<void> {
  const TL = await loadTimelineJs();
  const clean = withoutMedia(data);
  container.replaceChildren();
  if ((clean.events ?? []).length === 0) {
    container.textContent = 'No entries to show.';
    return;
  }
  new TL.Timeline(container, clean, {
    script_path: `${location.origin}/timelinejs/js/`,
    font: `${location.origin}/timelinejs-font.css`,
    language: 'en',
    hash_bookmark: false,
    ga_measurement_id: null,
    ga_property_id: null,
    timenav_height_min: 150,
  });
  container.setAttribute('aria-label', `TimelineJS view of ${title}`);
}
