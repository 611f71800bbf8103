/**
 * A light syntax check of X-Ray filter expressions before they are sent: unbalanced quotes,
 * braces and parentheses are the typos people make; the service reports everything else.
 */

const PAIRS: Record<string, string> = { ')': '(', '}': '{', ']': '[' };

/** What is wrong with `expression`, or `undefined` when it looks sendable. */
export function checkFilterExpression(expression: string): string | undefined {
  const stack: string[] = [];
  let quote: string | undefined;
  for (let index = 0; index < expression.length; index += 1) {
    const char = expression[index] as string;
    if (quote !== undefined) {
      if (char === '\\') {
        index += 1;
      } else if (char === quote) {
        quote = undefined;
      }
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '(' || char === '{' || char === '[') {
      stack.push(char);
    } else if (char in PAIRS) {
      if (stack.pop() !== PAIRS[char]) {
        return `Unexpected "${char}" at position ${index + 1}.`;
      }
    }
  }
  if (quote !== undefined) {
    return `A ${quote === '"' ? 'double' : 'single'} quote is not closed.`;
  }
  const open = stack.pop();
  if (open !== undefined) {
    return `"${open}" is not closed.`;
  }
  return undefined;
}

/** Examples offered by the filter box; the first word of each says what it shows. */
export const FILTER_EXAMPLES: readonly { expression: string; description: string }[] = [
  { expression: 'service("checkout") { fault }', description: 'Faults in the checkout service' },
  { expression: 'responsetime > 2', description: 'Slower than 2 seconds' },
  { expression: 'annotation.orderId = "42"', description: 'Annotated with orderId 42' },
  { expression: 'http.status = 429', description: 'Throttled HTTP responses' },
  { expression: 'http.url CONTAINS "/orders"', description: 'Requests to URLs containing /orders' },
];
