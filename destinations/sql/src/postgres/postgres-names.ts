/** Names were checked against a safe alphabet; quoting keeps them case-sensitive and off the keyword list. */
export const quote = (identifier: string): string => `"${identifier}"`;

export const qualified = (schema: string, table: string): string => `${quote(schema)}.${quote(table)}`;
