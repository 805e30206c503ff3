/** The signed quick-reply payloads are shared with other modules' buttons: the codec lives in platform/. */
export { signedTapCodec, textToUuid, uuidToText } from '../../platform/signed-tap.js';
