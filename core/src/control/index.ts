// What the CLI's connect, deauth, pause and resume run, in this process or in the one holding the store.
export { operatorActions, type ConnectRequest, type OperatorActions } from "./operator-actions.ts";
