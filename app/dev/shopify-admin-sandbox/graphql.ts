/**
 * A small GraphQL document parser for the Admin sandbox: operations (query / mutation, with
 * variable definitions), fields with aliases and arguments, fragments (named and inline) and
 * every literal kind. Enough to read what an Admin API client sends and answer exactly the
 * fields it selected; not a validator (the sandbox answers unknown fields with an error itself).
 */

export type Value =
  | { kind: "variable"; name: string }
  | { kind: "int" | "float"; value: string }
  | { kind: "string"; value: string }
  | { kind: "boolean"; value: boolean }
  | { kind: "null" }
  | { kind: "enum"; value: string }
  | { kind: "list"; values: Value[] }
  | { kind: "object"; fields: Record<string, Value> };

export type Selection =
  | { kind: "field"; alias: string | null; name: string; args: Record<string, Value>; selections: Selection[] }
  | { kind: "spread"; name: string }
  | { kind: "inline"; typeCondition: string | null; selections: Selection[] };

export interface Operation {
  type: "query" | "mutation";
  name: string | null;
  variables: Array<{ name: string; defaultValue: Value | null }>;
  selections: Selection[];
}

export interface Document {
  operations: Operation[];
  fragments: Map<string, { typeCondition: string; selections: Selection[] }>;
}

export class GraphqlSyntaxError extends Error {}

type Token = { kind: "punct" | "name" | "int" | "float" | "string" | "spread"; text: string; at: number };

const PUNCTUATORS = new Set(["{", "}", "(", ")", "[", "]", ":", "!", "$", "@", "="]);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (/[\s,\uFEFF]/.test(c)) {
      i++;
    } else if (source.startsWith("...", i)) {
      tokens.push({ kind: "spread", text: "...", at: i });
      i += 3;
    } else if (PUNCTUATORS.has(c)) {
      tokens.push({ kind: "punct", text: c, at: i });
      i++;
    } else if (/[_A-Za-z]/.test(c)) {
      const match = /^[_A-Za-z][_0-9A-Za-z]*/.exec(source.slice(i))![0];
      tokens.push({ kind: "name", text: match, at: i });
      i += match.length;
    } else if (/[-0-9]/.test(c)) {
      const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i));
      if (!match) throw new GraphqlSyntaxError(`Unexpected character "${c}" at ${i}`);
      tokens.push({ kind: match[1] || match[2] ? "float" : "int", text: match[0], at: i });
      i += match[0].length;
    } else if (source.startsWith('"""', i)) {
      const end = source.indexOf('"""', i + 3);
      if (end < 0) throw new GraphqlSyntaxError(`Unterminated block string at ${i}`);
      tokens.push({ kind: "string", text: source.slice(i + 3, end), at: i });
      i = end + 3;
    } else if (c === '"') {
      let j = i + 1;
      let text = "";
      while (j < source.length && source[j] !== '"') {
        if (source[j] === "\\") {
          const escaped = source[j + 1];
          if (escaped === "u") {
            text += String.fromCharCode(parseInt(source.slice(j + 2, j + 6), 16));
            j += 6;
            continue;
          }
          text += ({ n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" } as Record<string, string>)[escaped ?? ""] ?? escaped ?? "";
          j += 2;
        } else {
          text += source[j];
          j++;
        }
      }
      if (j >= source.length) throw new GraphqlSyntaxError(`Unterminated string at ${i}`);
      tokens.push({ kind: "string", text, at: i });
      i = j + 1;
    } else {
      throw new GraphqlSyntaxError(`Unexpected character "${c}" at ${i}`);
    }
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }
  private next(): Token {
    const token = this.tokens[this.position++];
    if (!token) throw new GraphqlSyntaxError("Unexpected end of document");
    return token;
  }
  private is(text: string): boolean {
    const token = this.peek();
    return token !== undefined && (token.kind === "punct" || token.kind === "spread") && token.text === text;
  }
  private expect(text: string): void {
    const token = this.next();
    if (token.text !== text || (token.kind !== "punct" && token.kind !== "spread")) {
      throw new GraphqlSyntaxError(`Expected "${text}", found "${token.text}" at ${token.at}`);
    }
  }
  private name(): string {
    const token = this.next();
    if (token.kind !== "name") throw new GraphqlSyntaxError(`Expected a name, found "${token.text}" at ${token.at}`);
    return token.text;
  }

  document(): Document {
    const document: Document = { operations: [], fragments: new Map() };
    while (this.peek()) {
      if (this.is("{")) {
        document.operations.push({ type: "query", name: null, variables: [], selections: this.selectionSet() });
        continue;
      }
      const keyword = this.name();
      if (keyword === "fragment") {
        const name = this.name();
        if (this.name() !== "on") throw new GraphqlSyntaxError(`Expected "on" in fragment ${name}`);
        const typeCondition = this.name();
        this.directives();
        document.fragments.set(name, { typeCondition, selections: this.selectionSet() });
      } else if (keyword === "query" || keyword === "mutation") {
        const name = this.peek()?.kind === "name" ? this.name() : null;
        const variables = this.is("(") ? this.variableDefinitions() : [];
        this.directives();
        document.operations.push({ type: keyword, name, variables, selections: this.selectionSet() });
      } else {
        throw new GraphqlSyntaxError(`Unsupported definition "${keyword}"`);
      }
    }
    return document;
  }

  private variableDefinitions(): Operation["variables"] {
    const variables: Operation["variables"] = [];
    this.expect("(");
    while (!this.is(")")) {
      this.expect("$");
      const name = this.name();
      this.expect(":");
      this.type();
      const defaultValue = this.is("=") ? (this.next(), this.value()) : null;
      this.directives();
      variables.push({ name, defaultValue });
    }
    this.expect(")");
    return variables;
  }

  private type(): void {
    if (this.is("[")) {
      this.next();
      this.type();
      this.expect("]");
    } else {
      this.name();
    }
    if (this.is("!")) this.next();
  }

  private directives(): void {
    while (this.is("@")) {
      this.next();
      this.name();
      if (this.is("(")) this.arguments();
    }
  }

  private selectionSet(): Selection[] {
    const selections: Selection[] = [];
    this.expect("{");
    while (!this.is("}")) selections.push(this.selection());
    this.expect("}");
    return selections;
  }

  private selection(): Selection {
    if (this.is("...")) {
      this.next();
      if (this.peek()?.kind === "name" && this.peek()!.text !== "on") {
        const name = this.name();
        this.directives();
        return { kind: "spread", name };
      }
      let typeCondition: string | null = null;
      if (this.peek()?.text === "on") {
        this.next();
        typeCondition = this.name();
      }
      this.directives();
      return { kind: "inline", typeCondition, selections: this.selectionSet() };
    }
    let alias: string | null = null;
    let name = this.name();
    if (this.is(":")) {
      this.next();
      alias = name;
      name = this.name();
    }
    const args = this.is("(") ? this.arguments() : {};
    this.directives();
    const selections = this.is("{") ? this.selectionSet() : [];
    return { kind: "field", alias, name, args, selections };
  }

  private arguments(): Record<string, Value> {
    const args: Record<string, Value> = {};
    this.expect("(");
    while (!this.is(")")) {
      const name = this.name();
      this.expect(":");
      args[name] = this.value();
    }
    this.expect(")");
    return args;
  }

  private value(): Value {
    if (this.is("$")) {
      this.next();
      return { kind: "variable", name: this.name() };
    }
    if (this.is("[")) {
      this.next();
      const values: Value[] = [];
      while (!this.is("]")) values.push(this.value());
      this.expect("]");
      return { kind: "list", values };
    }
    if (this.is("{")) {
      this.next();
      const fields: Record<string, Value> = {};
      while (!this.is("}")) {
        const name = this.name();
        this.expect(":");
        fields[name] = this.value();
      }
      this.expect("}");
      return { kind: "object", fields };
    }
    const token = this.next();
    if (token.kind === "int" || token.kind === "float") return { kind: token.kind, value: token.text };
    if (token.kind === "string") return { kind: "string", value: token.text };
    if (token.kind === "name") {
      if (token.text === "true" || token.text === "false") return { kind: "boolean", value: token.text === "true" };
      if (token.text === "null") return { kind: "null" };
      return { kind: "enum", value: token.text };
    }
    throw new GraphqlSyntaxError(`Unexpected "${token.text}" at ${token.at}`);
  }
}

export function parseDocument(source: string): Document {
  return new Parser(tokenize(source)).document();
}

/** A literal or variable as plain JSON, with the request's variables (and the operation's defaults) filled in. */
export function valueOf(value: Value, variables: Record<string, unknown>): unknown {
  switch (value.kind) {
    case "variable":
      return variables[value.name] ?? null;
    case "int":
      return Number.parseInt(value.value, 10);
    case "float":
      return Number.parseFloat(value.value);
    case "string":
    case "enum":
      return value.value;
    case "boolean":
      return value.value;
    case "null":
      return null;
    case "list":
      return value.values.map((item) => valueOf(item, variables));
    case "object":
      return Object.fromEntries(Object.entries(value.fields).map(([key, item]) => [key, valueOf(item, variables)]));
  }
}
