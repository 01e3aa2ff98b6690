/** Every feature module (feature.ts), in the order the holders and the checked state visit them. */
import type { Feature } from "../feature";
import { pcaFeature } from "./pca";
import { sheavesFeature } from "./sheaves";

export const FEATURES: readonly Feature[] = [pcaFeature, sheavesFeature];
