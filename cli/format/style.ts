// Colour only on a terminal (CommandContext.color); everywhere else the same text, uncoloured.

type Paint = (text: string) => string;

export interface Style {
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
}

const wrap = (on: boolean, code: number, reset: number): Paint => (text) => (on ? `\u001b[${code}m${text}\u001b[${reset}m` : text);

export function style(color: boolean): Style {
  return {
    bold: wrap(color, 1, 22),
    dim: wrap(color, 2, 22),
    red: wrap(color, 31, 39),
    green: wrap(color, 32, 39),
    yellow: wrap(color, 33, 39),
  };
}
