/** Names were checked against a safe alphabet; backticks keep them off the keyword list. */
export const quote = (identifier: string): string => `\`${identifier}\``;
