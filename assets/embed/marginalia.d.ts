// TypeScript declarations of `marginalia.js` (copied into dist/ by `cargo xtask build`).
// What each option, method and event does: docs/EMBEDDING.md.

/** An article to annotate: `text`, or `html` (read as the widget reads a page: no script runs). */
export interface ArticleInput {
  id: string;
  title?: string;
  url?: string;
  text?: string;
  html?: string;
}

/** The saved record (docs/FORMAT.md); events carry it without `tokens`. */
export interface MarginaliaRecord {
  format_version: number;
  text: string;
  text_sha256: string;
  spans: Array<{ id: string; start: number; end: number; label: string; [field: string]: unknown }>;
  relations?: unknown[];
  tokens?: Array<{ start: number; end: number; ws: boolean; [field: string]: unknown }>;
  meta: { doc_id: string; [field: string]: unknown };
  [field: string]: unknown;
}

export type Format = "marginalia" | "spacy" | "iob2" | "bilou" | "brat" | "w3c" | "label-studio" | "doccano";

export interface MountOptions {
  article?: ArticleInput;
  /** A label schema (docs/FORMAT.md); default: the news schema. */
  schema?: object;
  /** Existing annotations, in any format Marginalia reads (an object or JSON text). */
  annotations?: object | string;
  annotator?: string;
  readOnly?: boolean;
  theme?: "light" | "dark" | "auto";
  endpoints?: {
    save?: string;
    saveHeaders?: Record<string, string>;
    suggest?: string;
  };
  /** Milliseconds; anything under 500 counts as 500. */
  timeouts?: { save?: number; load?: number; suggest?: number };
  /** The standalone page's setting only: `mount` refuses it. */
  allowedOrigins?: never;
}

export interface EventDetails {
  ready: MarginaliaRecord;
  change: MarginaliaRecord;
  save: MarginaliaRecord;
  error: { message: string };
}

export interface MarginaliaHandle {
  getAnnotations(): MarginaliaRecord;
  /** Fetches the readers of other formats on first use. */
  setAnnotations(annotations: object | string): Promise<void>;
  /** Given `html`, fetches the page reader on first use. */
  setArticle(article: ArticleInput & { html: string }): Promise<void>;
  setArticle(article: ArticleInput): void;
  setDocument(document: { id?: string; title?: string; text: string; spans?: Array<{ start: number; end: number; label: string }> }): void;
  /** Fetches the writers on first use. */
  export(format: Format): Promise<{ text: string; losses: string[] }>;
  review(saves: Array<object | string>, options?: { startFrom?: string }): Promise<void>;
  undo(): void;
  redo(): void;
  /** Code points, end exclusive; the new span's id (`"s3"`). */
  addSpan(start: number, end: number, label: string): string;
  removeSpan(id: string): void;
  memoryBytes(): number;
  on<E extends keyof EventDetails>(event: E, callback: (detail: EventDetails[E]) => void): void;
  off<E extends keyof EventDetails>(event: E, callback: (detail: EventDetails[E]) => void): void;
  destroy(): void;
}

/** Mounts an instance in `element`; resolves to its handle once its first render is in the page (the handle works from then; `ready` follows when that frame is painted). */
export function mount(element: Element, options?: MountOptions): Promise<MarginaliaHandle>;
