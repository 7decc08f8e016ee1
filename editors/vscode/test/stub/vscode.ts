// A minimal stand-in for the `vscode` module, enough for the unit tests (esbuild aliases it).
export class Position {
  constructor(
    public readonly line: number,
    public readonly character: number,
  ) {}
}

export class Range {
  constructor(
    public readonly start: Position,
    public readonly end: Position,
  ) {}
}

export class Uri {
  private constructor(
    public readonly scheme: string,
    private readonly text: string,
  ) {}
  static parse(value: string, strict = false): Uri {
    const m = /^([a-zA-Z][\w+.-]*):/.exec(value);
    if (!m) {
      if (strict) {
        throw new Error(`[UriError]: Scheme is missing: {scheme: "", path: "${value}"}`);
      }
      return new Uri("file", value);
    }
    return new Uri(m[1], value);
  }
  static file(fsPath: string): Uri {
    return new Uri("file", `file://${fsPath}`);
  }
  toString(): string {
    return this.text;
  }
}

export class Location {
  constructor(
    public readonly uri: Uri,
    public readonly range: Range,
  ) {}
}

export const executed: { command: string; args: unknown[] }[] = [];

export const commands = {
  async executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    executed.push({ command, args });
    return undefined;
  },
};
