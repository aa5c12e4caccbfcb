// Colour only on a terminal (CommandContext.color); everywhere else the same text, uncoloured.

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

const wrap = (on: boolean, code: number, reset: number) => (text: string): string => (on ? `\u001b[${code}m${text}\u001b[${reset}m` : text);

export function style(color: boolean): Style {
  return {
    bold: wrap(color, 1, 22),
    dim: wrap(color, 2, 22),
    red: wrap(color, 31, 39),
    green: wrap(color, 32, 39),
    yellow: wrap(color, 33, 39),
  };
}
