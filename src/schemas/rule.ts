/** @module How a schema's check names its rule: the `rule` a client reads in the problem's errors. */
export const rule = (name: string, message: string) => ({ message, params: { rule: name } });
