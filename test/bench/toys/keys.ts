/** Where the toy hit finds its one answer in KV (the bench seeds it with the gateway's own hit body). */
export const TOY_HIT_KEY = "toy:answer";
