/**
 * FilterNode → filter text in canonical spelling (lower-case operators, double-quoted JSON strings,
 * parentheses only where precedence needs them). parseFilter(formatFilter(n)) yields n again,
 * which the property tests check; also handy in logs and error details.
 */
import type { AttrPath, FilterNode } from '../store/query';

export function formatFilter(node: FilterNode): string {
  return format(node, 0);
}

/** Binding strength: or 1, and 2, everything else 3. */
function strength(node: FilterNode): number {
  return node.kind === 'or' ? 1 : node.kind === 'and' ? 2 : 3;
}

function format(node: FilterNode, context: number): string {
  let text: string;
  switch (node.kind) {
    case 'or':
    case 'and':
      // Left-associative: the right operand needs parentheses at equal strength.
      text = `${format(node.left, strength(node))} ${node.kind} ${format(node.right, strength(node) + 1)}`;
      break;
    case 'not':
      text = `not (${format(node.expr, 0)})`;
      break;
    case 'present':
      text = `${pathText(node.path)} pr`;
      break;
    case 'compare':
      text = `${pathText(node.path)} ${node.op} ${JSON.stringify(node.value)}`;
      break;
    case 'valuePath':
      text = `${node.attr}[${format(node.filter, 0)}]`;
      break;
  }
  return strength(node) < context ? `(${text})` : text;
}

function pathText(path: AttrPath): string {
  return path.sub === undefined ? path.attr : `${path.attr}.${path.sub}`;
}
