// The platform-neutral card: data only. Each adapter's render.ts turns it into its platform's JSON.

/** Header colour by how serious the card is. */
export type Severity = 'info' | 'success' | 'warning' | 'danger';

/** A confirmation dialog shown before a button's action runs. */
export interface ConfirmDialog {
  title: string;
  text: string;
  confirm: string;
  deny: string;
}

/** A button: `actionId` says what it does, `value` (short, opaque) says to what. */
export interface CardButton {
  actionId: string;
  label: string;
  /** Opaque argument for the action (e.g. an order id); at most 2000 characters. */
  value: string;
  style?: 'primary' | 'danger' | 'default';
  confirm?: ConfirmDialog;
}

/** One element of a card body. Text uses a small markdown subset: **bold**, `code`, [label](url), line breaks. */
export type CardElement =
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: { label: string; value: string }[] }
  | { type: 'table'; columns: string[]; rows: string[][] }
  | { type: 'list'; items: string[] }
  | { type: 'context'; text: string }
  | { type: 'divider' }
  | { type: 'actions'; buttons: CardButton[] };

/** A card: optional header, body elements, and the plain text shown where cards are not (notifications). */
export interface Card {
  header?: { title: string; severity?: Severity };
  elements: CardElement[];
  fallbackText: string;
  /** The language the card was built in (the hub sets it), for the few words a renderer adds itself. */
  language?: string;
}

/** Fluent builder for cards; every method returns the builder. */
export class CardBuilder {
  private readonly card: Card = { elements: [], fallbackText: '' };

  /** Sets the header title and severity colour. */
  header(title: string, severity: Severity = 'info'): this {
    this.card.header = { title, severity };
    return this;
  }

  /** Adds a markdown-subset paragraph. */
  text(text: string): this {
    this.card.elements.push({ type: 'text', text });
    return this;
  }

  /** Adds label/value pairs shown side by side where the platform can. */
  fields(fields: { label: string; value: string }[]): this {
    if (fields.length > 0) this.card.elements.push({ type: 'fields', fields });
    return this;
  }

  /** Adds a table (rendered as a table, or as aligned lines where tables do not exist). */
  table(columns: string[], rows: string[][]): this {
    this.card.elements.push({ type: 'table', columns, rows });
    return this;
  }

  /** Adds a bulleted list. */
  list(items: string[]): this {
    if (items.length > 0) this.card.elements.push({ type: 'list', items });
    return this;
  }

  /** Adds a small grey note. */
  context(text: string): this {
    this.card.elements.push({ type: 'context', text });
    return this;
  }

  /** Adds a horizontal rule. */
  divider(): this {
    this.card.elements.push({ type: 'divider' });
    return this;
  }

  /** Adds a row of buttons (skipped when empty). */
  actions(buttons: CardButton[]): this {
    if (buttons.length > 0) this.card.elements.push({ type: 'actions', buttons });
    return this;
  }

  /** Sets the plain-text fallback (defaults to the header title). */
  fallback(text: string): this {
    this.card.fallbackText = text;
    return this;
  }

  /** The finished card. */
  build(): Card {
    return { ...this.card, fallbackText: this.card.fallbackText || this.card.header?.title || '' };
  }
}

/** Starts a card. */
export function card(): CardBuilder {
  return new CardBuilder();
}

/** Every button of a card, in order. */
export function cardButtons(c: Card): CardButton[] {
  return c.elements.flatMap((e) => (e.type === 'actions' ? e.buttons : []));
}
