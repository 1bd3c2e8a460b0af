// Microsoft Azure credentials.
import type { SecretRule } from "../types.js";
import { re } from "./shape.js";

export const azureRules: SecretRule[] = [
  {
    id: "BW-SECRET-AZURE-STORAGE-KEY",
    title: "Azure storage account key",
    severity: "CRITICAL",
    keywords: ["accountkey", "account_key", "storage_key", "storagekey", "account-key", "storage-key"],
    regex: re(
      String.raw`(?:accountkey\s*=\s*|(?:storage|account)[_-]?(?:access[_-]?)?key["']?\s*[:=]\s*["']?)(?<secret>[A-Za-z0-9+/]{86}==)`,
      true,
    ),
  },
  {
    id: "BW-SECRET-AZURE-SHARED-ACCESS-KEY",
    title: "Azure Service Bus / Event Hubs shared access key",
    severity: "HIGH",
    keywords: ["sharedaccesskey="],
    regex: re(String.raw`SharedAccessKey=(?<secret>[A-Za-z0-9+/]{43}=)`, true),
  },
  {
    id: "BW-SECRET-AZURE-SAS-TOKEN",
    title: "Azure shared access signature",
    severity: "HIGH",
    keywords: ["sig="],
    regex: re(String.raw`[?&;]sig=(?<secret>[A-Za-z0-9%+/]{40,}(?:%3D|=)*)`),
    // Only a signed URL: the service version parameter sits beside the signature.
    confirm: (_s, line) => /[?&;]sv=\d{4}-\d\d-\d\d/.test(line),
  },
  {
    id: "BW-SECRET-AZURE-AD-CLIENT-SECRET",
    title: "Azure AD (Entra ID) client secret",
    severity: "HIGH",
    keywords: ["q~"],
    regex: re(String.raw`(?<![A-Za-z0-9_~.-])(?<secret>[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])`),
  },
];
