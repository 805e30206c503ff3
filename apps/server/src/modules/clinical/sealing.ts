/**
 * What each sealed clinical value is bound to (its AES-GCM additional data): the kind of row and
 * its id, so a sealed value copied onto another row does not open. The services that write these
 * values and the data owner that exports them use the same names.
 */
export const findingAad = (id: string) => `finding:${id}`;
export const itemAad = (id: string) => `plan_item:${id}`;
export const noteAad = (id: string) => `note:${id}`;
export const addendumAad = (id: string) => `note_addendum:${id}`;
export const attachmentAad = (id: string) => `attachment:${id}`;
