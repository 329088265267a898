import { type Quad } from '../card/card-outline.js';
import { type Rect, type RgbImage } from '../ocr/ocr-types.js';

/** The spec's spoof types (spoofInfo.spoofType). */
export type SpoofKind = 'SCREEN_REMARK' | 'PHOTO_COPY' | 'TAMPER' | 'SHORTCUT';

export interface SpoofInput {
  /** The decoded photo (EXIF orientation applied). */
  image: RgbImage;
  /** The upload as received: format and metadata are evidence too (sharp drops EXIF when re-encoding). */
  original: { bytes: Uint8Array; mediaType: string };
  card: {
    corners: Quad;
    coverage: number;
    /** The card warped upright (findCard's `image`); rectified here from the corners when absent. */
    rectified?: RgbImage;
    /** Text regions on the upright card (findCard's `textBoxes`): the fields compared for TAMPER. */
    textBoxes?: Rect[];
    /** The portrait on the upright card, when known (e.g. from the face detector). */
    portrait?: Rect;
  };
  /** The requested DocType: how much colour the genuine document shows depends on it. */
  docType: string;
  /** False when the machine-readable zone or a check character disagrees with the visual zone. */
  mrzConsistent?: boolean;
}

/** One detector's verdict with what it saw, for the audit trail. */
export interface SpoofFinding {
  type: SpoofKind;
  /** 0..1, higher means more likely spoofed. */
  score: number;
  threshold: number;
  detected: boolean;
  evidence: Record<string, number | string | boolean>;
}

export interface SpoofResult {
  findings: SpoofFinding[];
}
