/** Where the remote MCP server answers, on the gateway and on its own Worker alike. */
export const MCP_PATH = "/mcp";
