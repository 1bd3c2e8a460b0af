import { createRequire as __bulwarkRequire } from 'node:module'; const require = __bulwarkRequire(import.meta.url);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var __commonJS = (cb, mod) => function __require2() {
  return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// node_modules/packageurl-js/src/error.js
var require_error = __commonJS({
  "node_modules/packageurl-js/src/error.js"(exports, module) {
    "use strict";
    function formatPurlErrorMessage(message2 = "") {
      const { length } = message2;
      let formatted = "";
      if (length) {
        const code0 = message2.charCodeAt(0);
        formatted = code0 >= 65 || code0 <= 90 ? `${message2[0].toLowerCase()}${message2.slice(1)}` : message2;
        if (length > 1 && message2.charCodeAt(length - 1) === 46 && message2.charCodeAt(length - 2) !== 46) {
          formatted = formatted.slice(0, -1);
        }
      }
      return `Invalid purl: ${formatted}`;
    }
    var PurlError = class extends Error {
      constructor(message2) {
        super(formatPurlErrorMessage(message2));
      }
    };
    module.exports = {
      formatPurlErrorMessage,
      PurlError
    };
  }
});

// node_modules/packageurl-js/src/decode.js
var require_decode = __commonJS({
  "node_modules/packageurl-js/src/decode.js"(exports, module) {
    "use strict";
    var { PurlError } = require_error();
    var { decodeURIComponent: decodeURIComponent2 } = globalThis;
    function decodePurlComponent(comp, encodedURIComponent) {
      try {
        return decodeURIComponent2(encodedURIComponent);
      } catch {
      }
      throw new PurlError(`unable to decode "${comp}" component`);
    }
    module.exports = {
      decodePurlComponent
    };
  }
});

// node_modules/packageurl-js/src/constants.js
var require_constants = __commonJS({
  "node_modules/packageurl-js/src/constants.js"(exports, module) {
    "use strict";
    var LOOP_SENTINEL = 1e6;
    var REUSED_SEARCH_PARAMS = new URLSearchParams();
    var REUSED_SEARCH_PARAMS_KEY = "_";
    var REUSED_SEARCH_PARAMS_OFFSET = 2;
    module.exports = {
      LOOP_SENTINEL,
      REUSED_SEARCH_PARAMS,
      REUSED_SEARCH_PARAMS_KEY,
      REUSED_SEARCH_PARAMS_OFFSET
    };
  }
});

// node_modules/packageurl-js/src/objects.js
var require_objects = __commonJS({
  "node_modules/packageurl-js/src/objects.js"(exports, module) {
    "use strict";
    var { LOOP_SENTINEL } = require_constants();
    function isObject2(value) {
      return value !== null && typeof value === "object";
    }
    function recursiveFreeze(value_) {
      if (value_ === null || !(typeof value_ === "object" || typeof value_ === "function") || Object.isFrozen(value_)) {
        return value_;
      }
      const queue = [value_];
      let { length: queueLength } = queue;
      let pos = 0;
      while (pos < queueLength) {
        if (pos === LOOP_SENTINEL) {
          throw new Error(
            "Detected infinite loop in object crawl of recursiveFreeze"
          );
        }
        const obj = queue[pos++];
        Object.freeze(obj);
        if (Array.isArray(obj)) {
          for (let i = 0, { length } = obj; i < length; i += 1) {
            const item = obj[i];
            if (item !== null && (typeof item === "object" || typeof item === "function") && !Object.isFrozen(item)) {
              queue[queueLength++] = item;
            }
          }
        } else {
          const keys = Reflect.ownKeys(obj);
          for (let i = 0, { length } = keys; i < length; i += 1) {
            const propValue = obj[keys[i]];
            if (propValue !== null && (typeof propValue === "object" || typeof propValue === "function") && !Object.isFrozen(propValue)) {
              queue[queueLength++] = propValue;
            }
          }
        }
      }
      return value_;
    }
    module.exports = {
      isObject: isObject2,
      recursiveFreeze
    };
  }
});

// node_modules/packageurl-js/src/strings.js
var require_strings = __commonJS({
  "node_modules/packageurl-js/src/strings.js"(exports, module) {
    "use strict";
    var { compare: localeCompare } = new Intl.Collator();
    var regexSemverNumberedGroups = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
    function isBlank(str3) {
      for (let i = 0, { length } = str3; i < length; i += 1) {
        const code = str3.charCodeAt(i);
        if (!// Whitespace characters according to ECMAScript spec:
        // https://tc39.es/ecma262/#sec-white-space
        (code === 32 || // Space
        code === 9 || // Tab
        code === 10 || // Line Feed
        code === 11 || // Vertical Tab
        code === 12 || // Form Feed
        code === 13 || // Carriage Return
        code === 160 || // No-Break Space
        code === 5760 || // Ogham Space Mark
        code === 8192 || // En Quad
        code === 8193 || // Em Quad
        code === 8194 || // En Space
        code === 8195 || // Em Space
        code === 8196 || // Three-Per-Em Space
        code === 8197 || // Four-Per-Em Space
        code === 8198 || // Six-Per-Em Space
        code === 8199 || // Figure Space
        code === 8200 || // Punctuation Space
        code === 8201 || // Thin Space
        code === 8202 || // Hair Space
        code === 8232 || // Line Separator
        code === 8233 || // Paragraph Separator
        code === 8239 || // Narrow No-Break Space
        code === 8287 || // Medium Mathematical Space
        code === 12288 || // Ideographic Space
        code === 65279)) {
          return false;
        }
      }
      return true;
    }
    function isNonEmptyString(value) {
      return typeof value === "string" && value.length > 0;
    }
    function isSemverString(value) {
      return typeof value === "string" && regexSemverNumberedGroups.test(value);
    }
    function lowerName(purl) {
      purl.name = purl.name.toLowerCase();
    }
    function lowerNamespace(purl) {
      const { namespace } = purl;
      if (typeof namespace === "string") {
        purl.namespace = namespace.toLowerCase();
      }
    }
    function lowerVersion(purl) {
      const { version } = purl;
      if (typeof version === "string") {
        purl.version = version.toLowerCase();
      }
    }
    function replaceDashesWithUnderscores(str3) {
      let result = "";
      let fromIndex = 0;
      let index = 0;
      while ((index = str3.indexOf("-", fromIndex)) !== -1) {
        result = result + str3.slice(fromIndex, index) + "_";
        fromIndex = index + 1;
      }
      return fromIndex ? result + str3.slice(fromIndex) : str3;
    }
    function replaceUnderscoresWithDashes(str3) {
      let result = "";
      let fromIndex = 0;
      let index = 0;
      while ((index = str3.indexOf("_", fromIndex)) !== -1) {
        result = result + str3.slice(fromIndex, index) + "-";
        fromIndex = index + 1;
      }
      return fromIndex ? result + str3.slice(fromIndex) : str3;
    }
    function trimLeadingSlashes(str3) {
      let start = 0;
      while (str3.charCodeAt(start) === 47) {
        start += 1;
      }
      return start === 0 ? str3 : str3.slice(start);
    }
    module.exports = {
      isBlank,
      isNonEmptyString,
      isSemverString,
      localeCompare,
      lowerName,
      lowerNamespace,
      lowerVersion,
      replaceDashesWithUnderscores,
      replaceUnderscoresWithDashes,
      trimLeadingSlashes
    };
  }
});

// node_modules/packageurl-js/src/encode.js
var require_encode = __commonJS({
  "node_modules/packageurl-js/src/encode.js"(exports, module) {
    "use strict";
    var {
      REUSED_SEARCH_PARAMS,
      REUSED_SEARCH_PARAMS_KEY,
      REUSED_SEARCH_PARAMS_OFFSET
    } = require_constants();
    var { isObject: isObject2 } = require_objects();
    var { isNonEmptyString } = require_strings();
    var { encodeURIComponent } = globalThis;
    function encodeNamespace(namespace) {
      return isNonEmptyString(namespace) ? encodeURIComponent(namespace).replace(/%3A/g, ":").replace(/%2F/g, "/") : "";
    }
    function encodeQualifierParam(param) {
      if (isNonEmptyString(param)) {
        REUSED_SEARCH_PARAMS.set(REUSED_SEARCH_PARAMS_KEY, param);
        return replacePlusSignWithPercentEncodedSpace(
          REUSED_SEARCH_PARAMS.toString().slice(REUSED_SEARCH_PARAMS_OFFSET)
        );
      }
      return "";
    }
    function encodeQualifiers(qualifiers) {
      if (isObject2(qualifiers)) {
        const qualifiersKeys = Object.keys(qualifiers).sort();
        const searchParams = new URLSearchParams();
        for (let i = 0, { length } = qualifiersKeys; i < length; i += 1) {
          const key = qualifiersKeys[i];
          searchParams.set(key, qualifiers[key]);
        }
        return replacePlusSignWithPercentEncodedSpace(searchParams.toString());
      }
      return "";
    }
    function encodeSubpath(subpath) {
      return isNonEmptyString(subpath) ? encodeURIComponent(subpath).replace(/%2F/g, "/") : "";
    }
    function encodeVersion(version) {
      return isNonEmptyString(version) ? encodeURIComponent(version).replace(/%3A/g, ":").replace(/%2B/g, "+") : "";
    }
    function replacePlusSignWithPercentEncodedSpace(str3) {
      return str3.replace(/\+/g, "%20");
    }
    module.exports = {
      encodeNamespace,
      encodeVersion,
      encodeQualifiers,
      encodeQualifierParam,
      encodeSubpath,
      encodeURIComponent
    };
  }
});

// node_modules/packageurl-js/src/helpers.js
var require_helpers = __commonJS({
  "node_modules/packageurl-js/src/helpers.js"(exports, module) {
    "use strict";
    function createHelpersNamespaceObject(helpers, options_ = {}) {
      const { comparator, ...defaults } = { __proto__: null, ...options_ };
      const helperNames = Object.keys(helpers).sort();
      const propNames = [
        ...new Set([...Object.values(helpers)].map(Object.keys).flat())
      ].sort(comparator);
      const nsObject = /* @__PURE__ */ Object.create(null);
      for (let i = 0, { length } = propNames; i < length; i += 1) {
        const propName = propNames[i];
        const helpersForProp = /* @__PURE__ */ Object.create(null);
        for (let j = 0, { length: length_j } = helperNames; j < length_j; j += 1) {
          const helperName = helperNames[j];
          const helperValue = helpers[helperName][propName] ?? defaults[helperName];
          if (helperValue !== void 0) {
            helpersForProp[helperName] = helperValue;
          }
        }
        nsObject[propName] = helpersForProp;
      }
      return nsObject;
    }
    module.exports = {
      createHelpersNamespaceObject
    };
  }
});

// node_modules/packageurl-js/src/normalize.js
var require_normalize = __commonJS({
  "node_modules/packageurl-js/src/normalize.js"(exports, module) {
    "use strict";
    var { isObject: isObject2 } = require_objects();
    var { isBlank } = require_strings();
    function normalizeName(rawName) {
      return typeof rawName === "string" ? rawName.trim() : void 0;
    }
    function normalizeNamespace(rawNamespace) {
      return typeof rawNamespace === "string" ? normalizePath2(rawNamespace) : void 0;
    }
    function normalizePath2(pathname, callback) {
      let collapsed = "";
      let start = 0;
      while (pathname.charCodeAt(start) === 47) {
        start += 1;
      }
      let nextIndex = pathname.indexOf("/", start);
      if (nextIndex === -1) {
        return pathname.slice(start);
      }
      while (nextIndex !== -1) {
        const segment = pathname.slice(start, nextIndex);
        if (callback === void 0 || callback(segment)) {
          collapsed = collapsed + (collapsed.length === 0 ? "" : "/") + segment;
        }
        start = nextIndex + 1;
        while (pathname.charCodeAt(start) === 47) {
          start += 1;
        }
        nextIndex = pathname.indexOf("/", start);
      }
      const lastSegment = pathname.slice(start);
      if (lastSegment.length !== 0 && (callback === void 0 || callback(lastSegment))) {
        collapsed = collapsed + "/" + lastSegment;
      }
      return collapsed;
    }
    function normalizeQualifiers(rawQualifiers) {
      let qualifiers;
      for (const { 0: key, 1: value } of qualifiersToEntries(rawQualifiers)) {
        const strValue = typeof value === "string" ? value : String(value);
        const trimmed = strValue.trim();
        if (trimmed.length === 0) {
          continue;
        }
        if (qualifiers === void 0) {
          qualifiers = { __proto__: null };
        }
        qualifiers[key.toLowerCase()] = trimmed;
      }
      return qualifiers;
    }
    function normalizeSubpath(rawSubpath) {
      return typeof rawSubpath === "string" ? normalizePath2(rawSubpath, subpathFilter) : void 0;
    }
    function normalizeType(rawType) {
      return typeof rawType === "string" ? rawType.trim().toLowerCase() : void 0;
    }
    function normalizeVersion(rawVersion) {
      return typeof rawVersion === "string" ? rawVersion.trim() : void 0;
    }
    function qualifiersToEntries(rawQualifiers) {
      if (isObject2(rawQualifiers)) {
        return rawQualifiers instanceof URLSearchParams ? rawQualifiers.entries() : Object.entries(rawQualifiers);
      }
      return typeof rawQualifiers === "string" ? new URLSearchParams(rawQualifiers).entries() : Object.entries({});
    }
    function subpathFilter(segment) {
      const { length } = segment;
      if (length === 1 && segment.charCodeAt(0) === 46) return false;
      if (length === 2 && segment.charCodeAt(0) === 46 && segment.charCodeAt(1) === 46) {
        return false;
      }
      return !isBlank(segment);
    }
    module.exports = {
      normalizeName,
      normalizeNamespace,
      normalizePath: normalizePath2,
      normalizeQualifiers,
      normalizeSubpath,
      normalizeType,
      normalizeVersion
    };
  }
});

// node_modules/packageurl-js/src/lang.js
var require_lang = __commonJS({
  "node_modules/packageurl-js/src/lang.js"(exports, module) {
    "use strict";
    function isNullishOrEmptyString(value) {
      return value === null || value === void 0 || typeof value === "string" && value.length === 0;
    }
    module.exports = {
      isNullishOrEmptyString
    };
  }
});

// node_modules/packageurl-js/src/validate.js
var require_validate = __commonJS({
  "node_modules/packageurl-js/src/validate.js"(exports, module) {
    "use strict";
    var { PurlError } = require_error();
    var { isNullishOrEmptyString } = require_lang();
    var { isNonEmptyString } = require_strings();
    function validateEmptyByType(type, name, value, throws2) {
      if (!isNullishOrEmptyString(value)) {
        if (throws2) {
          throw new PurlError(`${type} "${name}" component must be empty`);
        }
        return false;
      }
      return true;
    }
    function validateName(name, throws2) {
      return validateRequired("name", name, throws2) && validateStrings("name", name, throws2);
    }
    function validateNamespace(namespace, throws2) {
      return validateStrings("namespace", namespace, throws2);
    }
    function validateQualifiers(qualifiers, throws2) {
      if (qualifiers === null || qualifiers === void 0) {
        return true;
      }
      if (typeof qualifiers !== "object") {
        if (throws2) {
          throw new PurlError('"qualifiers" must be an object');
        }
        return false;
      }
      const keysIterable = (
        // URL searchParams have an "keys" method that returns an iterator.
        typeof qualifiers.keys === "function" ? qualifiers.keys() : Object.keys(qualifiers)
      );
      for (const key of keysIterable) {
        if (!validateQualifierKey(key, throws2)) {
          return false;
        }
      }
      return true;
    }
    function validateQualifierKey(key, throws2) {
      if (!validateStartsWithoutNumber("qualifier", key, throws2)) {
        return false;
      }
      for (let i = 0, { length } = key; i < length; i += 1) {
        const code = key.charCodeAt(i);
        if (!(code >= 48 && code <= 57 || // 0-9
        code >= 65 && code <= 90 || // A-Z
        code >= 97 && code <= 122 || // a-z
        code === 46 || // .
        code === 45 || // -
        code === 95)) {
          if (throws2) {
            throw new PurlError(
              `qualifier "${key}" contains an illegal character`
            );
          }
          return false;
        }
      }
      return true;
    }
    function validateRequired(name, value, throws2) {
      if (isNullishOrEmptyString(value)) {
        if (throws2) {
          throw new PurlError(`"${name}" is a required component`);
        }
        return false;
      }
      return true;
    }
    function validateRequiredByType(type, name, value, throws2) {
      if (isNullishOrEmptyString(value)) {
        if (throws2) {
          throw new PurlError(`${type} requires a "${name}" component`);
        }
        return false;
      }
      return true;
    }
    function validateStartsWithoutNumber(name, value, throws2) {
      if (isNonEmptyString(value)) {
        const code = value.charCodeAt(0);
        if (code >= 48 && code <= 57) {
          if (throws2) {
            throw new PurlError(
              `${name} "${value}" cannot start with a number`
            );
          }
          return false;
        }
      }
      return true;
    }
    function validateStrings(name, value, throws2) {
      if (value === null || value === void 0 || typeof value === "string") {
        return true;
      }
      if (throws2) {
        throw new PurlError(`"'${name}" must be a string`);
      }
      return false;
    }
    function validateSubpath(subpath, throws2) {
      return validateStrings("subpath", subpath, throws2);
    }
    function validateType(type, throws2) {
      if (!validateRequired("type", type, throws2) || !validateStrings("type", type, throws2) || !validateStartsWithoutNumber("type", type, throws2)) {
        return false;
      }
      for (let i = 0, { length } = type; i < length; i += 1) {
        const code = type.charCodeAt(i);
        if (!(code >= 48 && code <= 57 || // 0-9
        code >= 65 && code <= 90 || // A-Z
        code >= 97 && code <= 122 || // a-z
        code === 46 || // .
        code === 43 || // +
        code === 45)) {
          if (throws2) {
            throw new PurlError(
              `type "${type}" contains an illegal character`
            );
          }
          return false;
        }
      }
      return true;
    }
    function validateVersion(version, throws2) {
      return validateStrings("version", version, throws2);
    }
    module.exports = {
      validateEmptyByType,
      validateName,
      validateNamespace,
      validateQualifiers,
      validateQualifierKey,
      validateRequired,
      validateRequiredByType,
      validateStartsWithoutNumber,
      validateStrings,
      validateSubpath,
      validateType,
      validateVersion
    };
  }
});

// node_modules/packageurl-js/src/purl-component.js
var require_purl_component = __commonJS({
  "node_modules/packageurl-js/src/purl-component.js"(exports, module) {
    "use strict";
    var {
      encodeNamespace,
      encodeVersion,
      encodeQualifiers,
      encodeQualifierParam,
      encodeSubpath,
      encodeURIComponent
    } = require_encode();
    var { createHelpersNamespaceObject } = require_helpers();
    var {
      normalizeType,
      normalizeNamespace,
      normalizeName,
      normalizeVersion,
      normalizeQualifiers,
      normalizeSubpath
    } = require_normalize();
    var { localeCompare, isNonEmptyString } = require_strings();
    var {
      validateType,
      validateNamespace,
      validateName,
      validateVersion,
      validateQualifiers,
      validateQualifierKey,
      validateSubpath
    } = require_validate();
    var PurlComponentEncoder = (comp) => isNonEmptyString(comp) ? encodeURIComponent(comp) : "";
    var PurlComponentStringNormalizer = (comp) => typeof comp === "string" ? comp : void 0;
    var PurlComponentValidator = (_comp, _throws) => true;
    var componentSortOrderLookup = {
      __proto__: null,
      type: 0,
      namespace: 1,
      name: 2,
      version: 3,
      qualifiers: 4,
      qualifierKey: 5,
      qualifierValue: 6,
      subpath: 7
    };
    function componentSortOrder(comp) {
      return componentSortOrderLookup[comp] ?? comp;
    }
    function componentComparator(compA, compB) {
      return localeCompare(componentSortOrder(compA), componentSortOrder(compB));
    }
    module.exports = {
      // Rules for each purl component:
      // https://github.com/package-url/purl-spec/blob/master/PURL-SPECIFICATION.rst#rules-for-each-purl-component
      PurlComponent: createHelpersNamespaceObject(
        {
          encode: {
            namespace: encodeNamespace,
            version: encodeVersion,
            qualifiers: encodeQualifiers,
            qualifierKey: encodeQualifierParam,
            qualifierValue: encodeQualifierParam,
            subpath: encodeSubpath
          },
          normalize: {
            type: normalizeType,
            namespace: normalizeNamespace,
            name: normalizeName,
            version: normalizeVersion,
            qualifiers: normalizeQualifiers,
            subpath: normalizeSubpath
          },
          validate: {
            type: validateType,
            namespace: validateNamespace,
            name: validateName,
            version: validateVersion,
            qualifierKey: validateQualifierKey,
            qualifiers: validateQualifiers,
            subpath: validateSubpath
          }
        },
        {
          comparator: componentComparator,
          encode: PurlComponentEncoder,
          normalize: PurlComponentStringNormalizer,
          validate: PurlComponentValidator
        }
      )
    };
  }
});

// node_modules/packageurl-js/src/purl-qualifier-names.js
var require_purl_qualifier_names = __commonJS({
  "node_modules/packageurl-js/src/purl-qualifier-names.js"(exports, module) {
    "use strict";
    module.exports = {
      // Known qualifiers:
      // https://github.com/package-url/purl-spec/blob/master/PURL-SPECIFICATION.rst#known-qualifiers-keyvalue-pairs
      PurlQualifierNames: {
        __proto__: null,
        RepositoryUrl: "repository_url",
        DownloadUrl: "download_url",
        VcsUrl: "vcs_url",
        FileName: "file_name",
        Checksum: "checksum"
      }
    };
  }
});

// node_modules/packageurl-js/src/purl-type.js
var require_purl_type = __commonJS({
  "node_modules/packageurl-js/src/purl-type.js"(exports, module) {
    "use strict";
    var { isNullishOrEmptyString } = require_lang();
    var { createHelpersNamespaceObject } = require_helpers();
    var {
      isSemverString,
      lowerName,
      lowerNamespace,
      lowerVersion,
      replaceDashesWithUnderscores,
      replaceUnderscoresWithDashes
    } = require_strings();
    var { validateEmptyByType, validateRequiredByType } = require_validate();
    var { PurlError } = require_error();
    var PurlTypNormalizer = (purl) => purl;
    var PurlTypeValidator = (_purl, _throws) => true;
    module.exports = {
      // PURL types:
      // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst
      PurlType: createHelpersNamespaceObject(
        {
          normalize: {
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#alpm
            alpm(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#apk
            apk(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#bitbucket
            bitbucket(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#bitnami
            bitnami(purl) {
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#composer
            composer(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#deb
            deb(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#other-candidate-types-to-define
            gitlab(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#github
            github(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#golang
            // golang(purl) {
            //     // Ignore case-insensitive rule because go.mod are case-sensitive.
            //     // Pending spec change: https://github.com/package-url/purl-spec/pull/196
            //     lowerNamespace(purl)
            //     lowerName(purl)
            //     return purl
            // },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#hex
            hex(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#huggingface
            huggingface(purl) {
              lowerVersion(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#mlflow
            mlflow(purl) {
              if (purl.qualifiers?.repository_url?.includes("databricks")) {
                lowerName(purl);
              }
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#npm
            npm(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#luarocks
            luarocks(purl) {
              lowerVersion(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#oci
            oci(purl) {
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#pub
            pub(purl) {
              lowerName(purl);
              purl.name = replaceDashesWithUnderscores(purl.name);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#pypi
            pypi(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              purl.name = replaceUnderscoresWithDashes(purl.name);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#qpkg
            qpkg(purl) {
              lowerNamespace(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#rpm
            rpm(purl) {
              lowerNamespace(purl);
              return purl;
            }
          },
          validate: {
            // TODO: cocoapods name validation
            // TODO: cpan namespace validation
            // TODO: swid qualifier validation
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#conan
            conan(purl, throws2) {
              if (isNullishOrEmptyString(purl.namespace)) {
                if (purl.qualifiers?.channel) {
                  if (throws2) {
                    throw new PurlError(
                      'conan requires a "namespace" component when a "channel" qualifier is present'
                    );
                  }
                  return false;
                }
              } else if (isNullishOrEmptyString(purl.qualifiers)) {
                if (throws2) {
                  throw new PurlError(
                    'conan requires a "qualifiers" component when a namespace is present'
                  );
                }
                return false;
              }
              return true;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#cran
            cran(purl, throws2) {
              return validateRequiredByType(
                "cran",
                "version",
                purl.version,
                throws2
              );
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#golang
            golang(purl) {
              const { version } = purl;
              const length = typeof version === "string" ? version.length : 0;
              if (length && version.charCodeAt(0) === 118 && !isSemverString(version.slice(1))) {
                if (throws) {
                  throw new PurlError(
                    'golang "version" component starting with a "v" must be followed by a valid semver version'
                  );
                }
                return false;
              }
              return true;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#maven
            maven(purl, throws2) {
              return validateRequiredByType(
                "maven",
                "namespace",
                purl.namespace,
                throws2
              );
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#mlflow
            mlflow(purl, throws2) {
              return validateEmptyByType(
                "mlflow",
                "namespace",
                purl.namespace,
                throws2
              );
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#oci
            oci(purl, throws2) {
              return validateEmptyByType(
                "oci",
                "namespace",
                purl.namespace,
                throws2
              );
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#pub
            pub(purl, throws2) {
              const { name } = purl;
              for (let i = 0, { length } = name; i < length; i += 1) {
                const code = name.charCodeAt(i);
                if (!(code >= 48 && code <= 57 || // 0-9
                code >= 97 && code <= 122 || // a-z
                code === 95)) {
                  if (throws2) {
                    throw new PurlError(
                      'pub "name" component may only contain [a-z0-9_] characters'
                    );
                  }
                  return false;
                }
              }
              return true;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#swift
            swift(purl, throws2) {
              return validateRequiredByType(
                "swift",
                "namespace",
                purl.namespace,
                throws2
              ) && validateRequiredByType(
                "swift",
                "version",
                purl.version,
                throws2
              );
            }
          }
        },
        {
          normalize: PurlTypNormalizer,
          validate: PurlTypeValidator
        }
      )
    };
  }
});

// node_modules/packageurl-js/src/package-url.js
var require_package_url = __commonJS({
  "node_modules/packageurl-js/src/package-url.js"(exports, module) {
    "use strict";
    var { decodePurlComponent } = require_decode();
    var { isObject: isObject2, recursiveFreeze } = require_objects();
    var { isBlank, isNonEmptyString, trimLeadingSlashes } = require_strings();
    var { PurlComponent } = require_purl_component();
    var { PurlQualifierNames } = require_purl_qualifier_names();
    var { PurlType } = require_purl_type();
    var { PurlError } = require_error();
    var PackageURL4 = class _PackageURL {
      static Component = recursiveFreeze(PurlComponent);
      static KnownQualifierNames = recursiveFreeze(PurlQualifierNames);
      static Type = recursiveFreeze(PurlType);
      constructor(rawType, rawNamespace, rawName, rawVersion, rawQualifiers, rawSubpath) {
        const type = isNonEmptyString(rawType) ? PurlComponent.type.normalize(rawType) : rawType;
        PurlComponent.type.validate(type, true);
        const namespace = isNonEmptyString(rawNamespace) ? PurlComponent.namespace.normalize(rawNamespace) : rawNamespace;
        PurlComponent.namespace.validate(namespace, true);
        const name = isNonEmptyString(rawName) ? PurlComponent.name.normalize(rawName) : rawName;
        PurlComponent.name.validate(name, true);
        const version = isNonEmptyString(rawVersion) ? PurlComponent.version.normalize(rawVersion) : rawVersion;
        PurlComponent.version.validate(version, true);
        const qualifiers = typeof rawQualifiers === "string" || isObject2(rawQualifiers) ? PurlComponent.qualifiers.normalize(rawQualifiers) : rawQualifiers;
        PurlComponent.qualifiers.validate(qualifiers, true);
        const subpath = isNonEmptyString(rawSubpath) ? PurlComponent.subpath.normalize(rawSubpath) : rawSubpath;
        PurlComponent.subpath.validate(subpath, true);
        this.type = type;
        this.name = name;
        this.namespace = namespace ?? void 0;
        this.version = version ?? void 0;
        this.qualifiers = qualifiers ?? void 0;
        this.subpath = subpath ?? void 0;
        const typeHelpers = PurlType[type];
        if (typeHelpers) {
          typeHelpers.normalize(this);
          typeHelpers.validate(this, true);
        }
      }
      toString() {
        const { namespace, name, version, qualifiers, subpath, type } = this;
        let purlStr = `pkg:${PurlComponent.type.encode(type)}/`;
        if (namespace) {
          purlStr = `${purlStr}${PurlComponent.namespace.encode(namespace)}/`;
        }
        purlStr = `${purlStr}${PurlComponent.name.encode(name)}`;
        if (version) {
          purlStr = `${purlStr}@${PurlComponent.version.encode(version)}`;
        }
        if (qualifiers) {
          purlStr = `${purlStr}?${PurlComponent.qualifiers.encode(qualifiers)}`;
        }
        if (subpath) {
          purlStr = `${purlStr}#${PurlComponent.subpath.encode(subpath)}`;
        }
        return purlStr;
      }
      static fromString(purlStr) {
        return new _PackageURL(..._PackageURL.parseString(purlStr));
      }
      static parseString(purlStr) {
        if (typeof purlStr !== "string") {
          throw new Error("A purl string argument is required.");
        }
        if (isBlank(purlStr)) {
          return [
            void 0,
            void 0,
            void 0,
            void 0,
            void 0,
            void 0
          ];
        }
        const colonIndex = purlStr.indexOf(":");
        let url;
        let maybeUrlWithAuth;
        if (colonIndex !== -1) {
          try {
            const beforeColon = purlStr.slice(0, colonIndex);
            const afterColon = purlStr.slice(colonIndex + 1);
            const trimmedAfterColon = trimLeadingSlashes(afterColon);
            url = new URL(`${beforeColon}:${trimmedAfterColon}`);
            maybeUrlWithAuth = afterColon.length === trimmedAfterColon.length ? url : new URL(purlStr);
          } catch (e) {
            throw new PurlError("failed to parse as URL", {
              cause: e
            });
          }
        }
        if (url?.protocol !== "pkg:") {
          throw new PurlError('missing required "pkg" scheme component');
        }
        if (maybeUrlWithAuth.username !== "" || maybeUrlWithAuth.password !== "") {
          throw new PurlError('cannot contain a "user:pass@host:port"');
        }
        const { pathname } = url;
        const firstSlashIndex = pathname.indexOf("/");
        const rawType = decodePurlComponent(
          "type",
          firstSlashIndex === -1 ? pathname : pathname.slice(0, firstSlashIndex)
        );
        if (firstSlashIndex < 1) {
          return [
            rawType,
            void 0,
            void 0,
            void 0,
            void 0,
            void 0
          ];
        }
        let rawVersion;
        let atSignIndex = pathname.lastIndexOf("@");
        if (atSignIndex !== -1 && pathname.charCodeAt(atSignIndex - 1) === 47) {
          atSignIndex = -1;
        }
        const beforeVersion = pathname.slice(
          rawType.length + 1,
          atSignIndex === -1 ? pathname.length : atSignIndex
        );
        if (atSignIndex !== -1) {
          rawVersion = decodePurlComponent(
            "version",
            pathname.slice(atSignIndex + 1)
          );
        }
        let rawNamespace;
        let rawName;
        const lastSlashIndex = beforeVersion.lastIndexOf("/");
        if (lastSlashIndex === -1) {
          rawName = decodePurlComponent("name", beforeVersion);
        } else {
          rawName = decodePurlComponent(
            "name",
            beforeVersion.slice(lastSlashIndex + 1)
          );
          rawNamespace = decodePurlComponent(
            "namespace",
            beforeVersion.slice(0, lastSlashIndex)
          );
        }
        let rawQualifiers;
        const { searchParams } = url;
        if (searchParams.size !== 0) {
          searchParams.forEach(
            (value) => decodePurlComponent("qualifiers", value)
          );
          rawQualifiers = searchParams;
        }
        let rawSubpath;
        const { hash } = url;
        if (hash.length !== 0) {
          rawSubpath = decodePurlComponent("subpath", hash.slice(1));
        }
        return [
          rawType,
          rawNamespace,
          rawName,
          rawVersion,
          rawQualifiers,
          rawSubpath
        ];
      }
    };
    for (const staticProp of ["Component", "KnownQualifierNames", "Type"]) {
      Reflect.defineProperty(PackageURL4, staticProp, {
        ...Reflect.getOwnPropertyDescriptor(PackageURL4, staticProp),
        writable: false
      });
    }
    Reflect.setPrototypeOf(PackageURL4.prototype, null);
    module.exports = {
      PackageURL: PackageURL4,
      PurlComponent,
      PurlQualifierNames,
      PurlType
    };
  }
});

// node_modules/packageurl-js/index.js
var require_packageurl_js = __commonJS({
  "node_modules/packageurl-js/index.js"(exports, module) {
    "use strict";
    var {
      PackageURL: PackageURL4,
      PurlComponent,
      PurlQualifierNames,
      PurlType
    } = require_package_url();
    module.exports = {
      PackageURL: PackageURL4,
      PurlComponent,
      PurlQualifierNames,
      PurlType
    };
  }
});

// node_modules/yaml/dist/nodes/identity.js
var require_identity = __commonJS({
  "node_modules/yaml/dist/nodes/identity.js"(exports) {
    "use strict";
    var ALIAS = /* @__PURE__ */ Symbol.for("yaml.alias");
    var DOC2 = /* @__PURE__ */ Symbol.for("yaml.document");
    var MAP = /* @__PURE__ */ Symbol.for("yaml.map");
    var PAIR = /* @__PURE__ */ Symbol.for("yaml.pair");
    var SCALAR = /* @__PURE__ */ Symbol.for("yaml.scalar");
    var SEQ = /* @__PURE__ */ Symbol.for("yaml.seq");
    var NODE_TYPE = /* @__PURE__ */ Symbol.for("yaml.node.type");
    var isAlias = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === ALIAS;
    var isDocument = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === DOC2;
    var isMap = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === MAP;
    var isPair = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === PAIR;
    var isScalar = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === SCALAR;
    var isSeq = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === SEQ;
    function isCollection(node) {
      if (node && typeof node === "object")
        switch (node[NODE_TYPE]) {
          case MAP:
          case SEQ:
            return true;
        }
      return false;
    }
    function isNode(node) {
      if (node && typeof node === "object")
        switch (node[NODE_TYPE]) {
          case ALIAS:
          case MAP:
          case SCALAR:
          case SEQ:
            return true;
        }
      return false;
    }
    var hasAnchor = (node) => (isScalar(node) || isCollection(node)) && !!node.anchor;
    exports.ALIAS = ALIAS;
    exports.DOC = DOC2;
    exports.MAP = MAP;
    exports.NODE_TYPE = NODE_TYPE;
    exports.PAIR = PAIR;
    exports.SCALAR = SCALAR;
    exports.SEQ = SEQ;
    exports.hasAnchor = hasAnchor;
    exports.isAlias = isAlias;
    exports.isCollection = isCollection;
    exports.isDocument = isDocument;
    exports.isMap = isMap;
    exports.isNode = isNode;
    exports.isPair = isPair;
    exports.isScalar = isScalar;
    exports.isSeq = isSeq;
  }
});

// node_modules/yaml/dist/visit.js
var require_visit = __commonJS({
  "node_modules/yaml/dist/visit.js"(exports) {
    "use strict";
    var identity = require_identity();
    var BREAK = /* @__PURE__ */ Symbol("break visit");
    var SKIP = /* @__PURE__ */ Symbol("skip children");
    var REMOVE = /* @__PURE__ */ Symbol("remove node");
    function visit(node, visitor) {
      const visitor_ = initVisitor(visitor);
      if (identity.isDocument(node)) {
        const cd = visit_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
          node.contents = null;
      } else
        visit_(null, node, visitor_, Object.freeze([]));
    }
    visit.BREAK = BREAK;
    visit.SKIP = SKIP;
    visit.REMOVE = REMOVE;
    function visit_(key, node, visitor, path) {
      const ctrl = callVisitor(key, node, visitor, path);
      if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visit_(key, ctrl, visitor, path);
      }
      if (typeof ctrl !== "symbol") {
        if (identity.isCollection(node)) {
          path = Object.freeze(path.concat(node));
          for (let i = 0; i < node.items.length; ++i) {
            const ci = visit_(i, node.items[i], visitor, path);
            if (typeof ci === "number")
              i = ci - 1;
            else if (ci === BREAK)
              return BREAK;
            else if (ci === REMOVE) {
              node.items.splice(i, 1);
              i -= 1;
            }
          }
        } else if (identity.isPair(node)) {
          path = Object.freeze(path.concat(node));
          const ck = visit_("key", node.key, visitor, path);
          if (ck === BREAK)
            return BREAK;
          else if (ck === REMOVE)
            node.key = null;
          const cv = visit_("value", node.value, visitor, path);
          if (cv === BREAK)
            return BREAK;
          else if (cv === REMOVE)
            node.value = null;
        }
      }
      return ctrl;
    }
    async function visitAsync(node, visitor) {
      const visitor_ = initVisitor(visitor);
      if (identity.isDocument(node)) {
        const cd = await visitAsync_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
          node.contents = null;
      } else
        await visitAsync_(null, node, visitor_, Object.freeze([]));
    }
    visitAsync.BREAK = BREAK;
    visitAsync.SKIP = SKIP;
    visitAsync.REMOVE = REMOVE;
    async function visitAsync_(key, node, visitor, path) {
      const ctrl = await callVisitor(key, node, visitor, path);
      if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visitAsync_(key, ctrl, visitor, path);
      }
      if (typeof ctrl !== "symbol") {
        if (identity.isCollection(node)) {
          path = Object.freeze(path.concat(node));
          for (let i = 0; i < node.items.length; ++i) {
            const ci = await visitAsync_(i, node.items[i], visitor, path);
            if (typeof ci === "number")
              i = ci - 1;
            else if (ci === BREAK)
              return BREAK;
            else if (ci === REMOVE) {
              node.items.splice(i, 1);
              i -= 1;
            }
          }
        } else if (identity.isPair(node)) {
          path = Object.freeze(path.concat(node));
          const ck = await visitAsync_("key", node.key, visitor, path);
          if (ck === BREAK)
            return BREAK;
          else if (ck === REMOVE)
            node.key = null;
          const cv = await visitAsync_("value", node.value, visitor, path);
          if (cv === BREAK)
            return BREAK;
          else if (cv === REMOVE)
            node.value = null;
        }
      }
      return ctrl;
    }
    function initVisitor(visitor) {
      if (typeof visitor === "object" && (visitor.Collection || visitor.Node || visitor.Value)) {
        return Object.assign({
          Alias: visitor.Node,
          Map: visitor.Node,
          Scalar: visitor.Node,
          Seq: visitor.Node
        }, visitor.Value && {
          Map: visitor.Value,
          Scalar: visitor.Value,
          Seq: visitor.Value
        }, visitor.Collection && {
          Map: visitor.Collection,
          Seq: visitor.Collection
        }, visitor);
      }
      return visitor;
    }
    function callVisitor(key, node, visitor, path) {
      if (typeof visitor === "function")
        return visitor(key, node, path);
      if (identity.isMap(node))
        return visitor.Map?.(key, node, path);
      if (identity.isSeq(node))
        return visitor.Seq?.(key, node, path);
      if (identity.isPair(node))
        return visitor.Pair?.(key, node, path);
      if (identity.isScalar(node))
        return visitor.Scalar?.(key, node, path);
      if (identity.isAlias(node))
        return visitor.Alias?.(key, node, path);
      return void 0;
    }
    function replaceNode(key, path, node) {
      const parent = path[path.length - 1];
      if (identity.isCollection(parent)) {
        parent.items[key] = node;
      } else if (identity.isPair(parent)) {
        if (key === "key")
          parent.key = node;
        else
          parent.value = node;
      } else if (identity.isDocument(parent)) {
        parent.contents = node;
      } else {
        const pt = identity.isAlias(parent) ? "alias" : "scalar";
        throw new Error(`Cannot replace node with ${pt} parent`);
      }
    }
    exports.visit = visit;
    exports.visitAsync = visitAsync;
  }
});

// node_modules/yaml/dist/doc/directives.js
var require_directives = __commonJS({
  "node_modules/yaml/dist/doc/directives.js"(exports) {
    "use strict";
    var identity = require_identity();
    var visit = require_visit();
    var escapeChars = {
      "!": "%21",
      ",": "%2C",
      "[": "%5B",
      "]": "%5D",
      "{": "%7B",
      "}": "%7D"
    };
    var escapeTagName = (tn) => tn.replace(/[!,[\]{}]/g, (ch) => escapeChars[ch]);
    var Directives = class _Directives {
      constructor(yaml, tags) {
        this.docStart = null;
        this.docEnd = false;
        this.yaml = Object.assign({}, _Directives.defaultYaml, yaml);
        this.tags = Object.assign({}, _Directives.defaultTags, tags);
      }
      clone() {
        const copy = new _Directives(this.yaml, this.tags);
        copy.docStart = this.docStart;
        return copy;
      }
      /**
       * During parsing, get a Directives instance for the current document and
       * update the stream state according to the current version's spec.
       */
      atDocument() {
        const res = new _Directives(this.yaml, this.tags);
        switch (this.yaml.version) {
          case "1.1":
            this.atNextDocument = true;
            break;
          case "1.2":
            this.atNextDocument = false;
            this.yaml = {
              explicit: _Directives.defaultYaml.explicit,
              version: "1.2"
            };
            this.tags = Object.assign({}, _Directives.defaultTags);
            break;
        }
        return res;
      }
      /**
       * @param onError - May be called even if the action was successful
       * @returns `true` on success
       */
      add(line, onError) {
        if (this.atNextDocument) {
          this.yaml = { explicit: _Directives.defaultYaml.explicit, version: "1.1" };
          this.tags = Object.assign({}, _Directives.defaultTags);
          this.atNextDocument = false;
        }
        const parts = line.trim().split(/[ \t]+/);
        const name = parts.shift();
        switch (name) {
          case "%TAG": {
            if (parts.length !== 2) {
              onError(0, "%TAG directive should contain exactly two parts");
              if (parts.length < 2)
                return false;
            }
            const [handle, prefix] = parts;
            this.tags[handle] = prefix;
            return true;
          }
          case "%YAML": {
            this.yaml.explicit = true;
            if (parts.length !== 1) {
              onError(0, "%YAML directive should contain exactly one part");
              return false;
            }
            const [version] = parts;
            if (version === "1.1" || version === "1.2") {
              this.yaml.version = version;
              return true;
            } else {
              const isValid = /^\d+\.\d+$/.test(version);
              onError(6, `Unsupported YAML version ${version}`, isValid);
              return false;
            }
          }
          default:
            onError(0, `Unknown directive ${name}`, true);
            return false;
        }
      }
      /**
       * Resolves a tag, matching handles to those defined in %TAG directives.
       *
       * @returns Resolved tag, which may also be the non-specific tag `'!'` or a
       *   `'!local'` tag, or `null` if unresolvable.
       */
      tagName(source, onError) {
        if (source === "!")
          return "!";
        if (source[0] !== "!") {
          onError(`Not a valid tag: ${source}`);
          return null;
        }
        if (source[1] === "<") {
          const verbatim = source.slice(2, -1);
          if (verbatim === "!" || verbatim === "!!") {
            onError(`Verbatim tags aren't resolved, so ${source} is invalid.`);
            return null;
          }
          if (source[source.length - 1] !== ">")
            onError("Verbatim tags must end with a >");
          return verbatim;
        }
        const [, handle, suffix] = source.match(/^(.*!)([^!]*)$/s);
        if (!suffix)
          onError(`The ${source} tag has no suffix`);
        const prefix = this.tags[handle];
        if (prefix) {
          try {
            return prefix + decodeURIComponent(suffix);
          } catch (error) {
            onError(String(error));
            return null;
          }
        }
        if (handle === "!")
          return source;
        onError(`Could not resolve tag: ${source}`);
        return null;
      }
      /**
       * Given a fully resolved tag, returns its printable string form,
       * taking into account current tag prefixes and defaults.
       */
      tagString(tag) {
        for (const [handle, prefix] of Object.entries(this.tags)) {
          if (tag.startsWith(prefix))
            return handle + escapeTagName(tag.substring(prefix.length));
        }
        return tag[0] === "!" ? tag : `!<${tag}>`;
      }
      toString(doc) {
        const lines = this.yaml.explicit ? [`%YAML ${this.yaml.version || "1.2"}`] : [];
        const tagEntries = Object.entries(this.tags);
        let tagNames;
        if (doc && tagEntries.length > 0 && identity.isNode(doc.contents)) {
          const tags = {};
          visit.visit(doc.contents, (_key, node) => {
            if (identity.isNode(node) && node.tag)
              tags[node.tag] = true;
          });
          tagNames = Object.keys(tags);
        } else
          tagNames = [];
        for (const [handle, prefix] of tagEntries) {
          if (handle === "!!" && prefix === "tag:yaml.org,2002:")
            continue;
          if (!doc || tagNames.some((tn) => tn.startsWith(prefix)))
            lines.push(`%TAG ${handle} ${prefix}`);
        }
        return lines.join("\n");
      }
    };
    Directives.defaultYaml = { explicit: false, version: "1.2" };
    Directives.defaultTags = { "!!": "tag:yaml.org,2002:" };
    exports.Directives = Directives;
  }
});

// node_modules/yaml/dist/doc/anchors.js
var require_anchors = __commonJS({
  "node_modules/yaml/dist/doc/anchors.js"(exports) {
    "use strict";
    var identity = require_identity();
    var visit = require_visit();
    function anchorIsValid(anchor) {
      if (/[\x00-\x19\s,[\]{}]/.test(anchor)) {
        const sa = JSON.stringify(anchor);
        const msg = `Anchor must not contain whitespace or control characters: ${sa}`;
        throw new Error(msg);
      }
      return true;
    }
    function anchorNames(root) {
      const anchors = /* @__PURE__ */ new Set();
      visit.visit(root, {
        Value(_key, node) {
          if (node.anchor)
            anchors.add(node.anchor);
        }
      });
      return anchors;
    }
    function findNewAnchor(prefix, exclude) {
      for (let i = 1; true; ++i) {
        const name = `${prefix}${i}`;
        if (!exclude.has(name))
          return name;
      }
    }
    function createNodeAnchors(doc, prefix) {
      const aliasObjects = [];
      const sourceObjects = /* @__PURE__ */ new Map();
      let prevAnchors = null;
      return {
        onAnchor: (source) => {
          aliasObjects.push(source);
          prevAnchors ?? (prevAnchors = anchorNames(doc));
          const anchor = findNewAnchor(prefix, prevAnchors);
          prevAnchors.add(anchor);
          return anchor;
        },
        /**
         * With circular references, the source node is only resolved after all
         * of its child nodes are. This is why anchors are set only after all of
         * the nodes have been created.
         */
        setAnchors: () => {
          for (const source of aliasObjects) {
            const ref = sourceObjects.get(source);
            if (typeof ref === "object" && ref.anchor && (identity.isScalar(ref.node) || identity.isCollection(ref.node))) {
              ref.node.anchor = ref.anchor;
            } else {
              const error = new Error("Failed to resolve repeated object (this should not happen)");
              error.source = source;
              throw error;
            }
          }
        },
        sourceObjects
      };
    }
    exports.anchorIsValid = anchorIsValid;
    exports.anchorNames = anchorNames;
    exports.createNodeAnchors = createNodeAnchors;
    exports.findNewAnchor = findNewAnchor;
  }
});

// node_modules/yaml/dist/doc/applyReviver.js
var require_applyReviver = __commonJS({
  "node_modules/yaml/dist/doc/applyReviver.js"(exports) {
    "use strict";
    function applyReviver(reviver, obj, key, val) {
      if (val && typeof val === "object") {
        if (Array.isArray(val)) {
          for (let i = 0, len = val.length; i < len; ++i) {
            const v0 = val[i];
            const v1 = applyReviver(reviver, val, String(i), v0);
            if (v1 === void 0)
              delete val[i];
            else if (v1 !== v0)
              val[i] = v1;
          }
        } else if (val instanceof Map) {
          for (const k of Array.from(val.keys())) {
            const v0 = val.get(k);
            const v1 = applyReviver(reviver, val, k, v0);
            if (v1 === void 0)
              val.delete(k);
            else if (v1 !== v0)
              val.set(k, v1);
          }
        } else if (val instanceof Set) {
          for (const v0 of Array.from(val)) {
            const v1 = applyReviver(reviver, val, v0, v0);
            if (v1 === void 0)
              val.delete(v0);
            else if (v1 !== v0) {
              val.delete(v0);
              val.add(v1);
            }
          }
        } else {
          for (const [k, v0] of Object.entries(val)) {
            const v1 = applyReviver(reviver, val, k, v0);
            if (v1 === void 0)
              delete val[k];
            else if (v1 !== v0)
              val[k] = v1;
          }
        }
      }
      return reviver.call(obj, key, val);
    }
    exports.applyReviver = applyReviver;
  }
});

// node_modules/yaml/dist/nodes/toJS.js
var require_toJS = __commonJS({
  "node_modules/yaml/dist/nodes/toJS.js"(exports) {
    "use strict";
    var identity = require_identity();
    function toJS(value, arg, ctx) {
      if (Array.isArray(value))
        return value.map((v, i) => toJS(v, String(i), ctx));
      if (value && typeof value.toJSON === "function") {
        if (!ctx || !identity.hasAnchor(value))
          return value.toJSON(arg, ctx);
        const data = { aliasCount: 0, count: 1, res: void 0 };
        ctx.anchors.set(value, data);
        ctx.onCreate = (res2) => {
          data.res = res2;
          delete ctx.onCreate;
        };
        const res = value.toJSON(arg, ctx);
        if (ctx.onCreate)
          ctx.onCreate(res);
        return res;
      }
      if (typeof value === "bigint" && !ctx?.keep)
        return Number(value);
      return value;
    }
    exports.toJS = toJS;
  }
});

// node_modules/yaml/dist/nodes/Node.js
var require_Node = __commonJS({
  "node_modules/yaml/dist/nodes/Node.js"(exports) {
    "use strict";
    var applyReviver = require_applyReviver();
    var identity = require_identity();
    var toJS = require_toJS();
    var NodeBase = class {
      constructor(type) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: type });
      }
      /** Create a copy of this node.  */
      clone() {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (this.range)
          copy.range = this.range.slice();
        return copy;
      }
      /** A plain JavaScript representation of this node. */
      toJS(doc, { mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        if (!identity.isDocument(doc))
          throw new TypeError("A document argument is required");
        const ctx = {
          anchors: /* @__PURE__ */ new Map(),
          doc,
          keep: true,
          mapAsMap: mapAsMap === true,
          mapKeyWarned: false,
          maxAliasCount: typeof maxAliasCount === "number" ? maxAliasCount : 100
        };
        const res = toJS.toJS(this, "", ctx);
        if (typeof onAnchor === "function")
          for (const { count, res: res2 } of ctx.anchors.values())
            onAnchor(res2, count);
        return typeof reviver === "function" ? applyReviver.applyReviver(reviver, { "": res }, "", res) : res;
      }
    };
    exports.NodeBase = NodeBase;
  }
});

// node_modules/yaml/dist/nodes/Alias.js
var require_Alias = __commonJS({
  "node_modules/yaml/dist/nodes/Alias.js"(exports) {
    "use strict";
    var anchors = require_anchors();
    var visit = require_visit();
    var identity = require_identity();
    var Node = require_Node();
    var toJS = require_toJS();
    var Alias = class extends Node.NodeBase {
      constructor(source) {
        super(identity.ALIAS);
        this.source = source;
        Object.defineProperty(this, "tag", {
          set() {
            throw new Error("Alias nodes cannot have tags");
          }
        });
      }
      /**
       * Resolve the value of this alias within `doc`, finding the last
       * instance of the `source` anchor before this node.
       */
      resolve(doc, ctx) {
        if (ctx?.maxAliasCount === 0)
          throw new ReferenceError("Alias resolution is disabled");
        let nodes;
        if (ctx?.aliasResolveCache) {
          nodes = ctx.aliasResolveCache;
        } else {
          nodes = [];
          visit.visit(doc, {
            Node: (_key, node) => {
              if (identity.isAlias(node) || identity.hasAnchor(node))
                nodes.push(node);
            }
          });
          if (ctx)
            ctx.aliasResolveCache = nodes;
        }
        let found = void 0;
        for (const node of nodes) {
          if (node === this)
            break;
          if (node.anchor === this.source)
            found = node;
        }
        if (found && ctx) {
          const { anchors: anchors2, doc: doc2, maxAliasCount } = ctx;
          let data = anchors2.get(found);
          if (!data) {
            toJS.toJS(found, null, ctx);
            data = anchors2.get(found);
          }
          if (data?.res === void 0) {
            const msg = "This should not happen: Alias anchor was not resolved?";
            throw new ReferenceError(msg);
          }
          if (maxAliasCount >= 0) {
            data.count += 1;
            if (data.aliasCount === 0)
              data.aliasCount = getAliasCount(doc2, found, anchors2);
            if (data.count * data.aliasCount > maxAliasCount) {
              const msg = "Excessive alias count indicates a resource exhaustion attack";
              throw new ReferenceError(msg);
            }
          }
        }
        return found;
      }
      toJSON(_arg, ctx) {
        if (!ctx)
          return { source: this.source };
        const source = this.resolve(ctx.doc, ctx);
        if (!source) {
          const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
          throw new ReferenceError(msg);
        }
        return ctx.anchors.get(source).res;
      }
      toString(ctx, _onComment, _onChompKeep) {
        const src = `*${this.source}`;
        if (ctx) {
          anchors.anchorIsValid(this.source);
          if (ctx.options.verifyAliasOrder && !ctx.anchors.has(this.source)) {
            const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
            throw new Error(msg);
          }
          if (ctx.implicitKey)
            return `${src} `;
        }
        return src;
      }
    };
    function getAliasCount(doc, node, anchors2) {
      if (identity.isAlias(node)) {
        const source = node.resolve(doc);
        const anchor = anchors2 && source && anchors2.get(source);
        return anchor ? anchor.count * anchor.aliasCount : 0;
      } else if (identity.isCollection(node)) {
        let count = 0;
        for (const item of node.items) {
          const c = getAliasCount(doc, item, anchors2);
          if (c > count)
            count = c;
        }
        return count;
      } else if (identity.isPair(node)) {
        const kc = getAliasCount(doc, node.key, anchors2);
        const vc = getAliasCount(doc, node.value, anchors2);
        return Math.max(kc, vc);
      }
      return 1;
    }
    exports.Alias = Alias;
  }
});

// node_modules/yaml/dist/nodes/Scalar.js
var require_Scalar = __commonJS({
  "node_modules/yaml/dist/nodes/Scalar.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Node = require_Node();
    var toJS = require_toJS();
    var isScalarValue = (value) => !value || typeof value !== "function" && typeof value !== "object";
    var Scalar = class extends Node.NodeBase {
      constructor(value) {
        super(identity.SCALAR);
        this.value = value;
      }
      toJSON(arg, ctx) {
        return ctx?.keep ? this.value : toJS.toJS(this.value, arg, ctx);
      }
      toString() {
        return String(this.value);
      }
    };
    Scalar.BLOCK_FOLDED = "BLOCK_FOLDED";
    Scalar.BLOCK_LITERAL = "BLOCK_LITERAL";
    Scalar.PLAIN = "PLAIN";
    Scalar.QUOTE_DOUBLE = "QUOTE_DOUBLE";
    Scalar.QUOTE_SINGLE = "QUOTE_SINGLE";
    exports.Scalar = Scalar;
    exports.isScalarValue = isScalarValue;
  }
});

// node_modules/yaml/dist/doc/createNode.js
var require_createNode = __commonJS({
  "node_modules/yaml/dist/doc/createNode.js"(exports) {
    "use strict";
    var Alias = require_Alias();
    var identity = require_identity();
    var Scalar = require_Scalar();
    var defaultTagPrefix = "tag:yaml.org,2002:";
    function findTagObject(value, tagName, tags) {
      if (tagName) {
        const match = tags.filter((t) => t.tag === tagName);
        const tagObj = match.find((t) => !t.format) ?? match[0];
        if (!tagObj)
          throw new Error(`Tag ${tagName} not found`);
        return tagObj;
      }
      return tags.find((t) => t.identify?.(value) && !t.format);
    }
    function createNode(value, tagName, ctx) {
      if (identity.isDocument(value))
        value = value.contents;
      if (identity.isNode(value))
        return value;
      if (identity.isPair(value)) {
        const map = ctx.schema[identity.MAP].createNode?.(ctx.schema, null, ctx);
        map.items.push(value);
        return map;
      }
      if (value instanceof String || value instanceof Number || value instanceof Boolean || typeof BigInt !== "undefined" && value instanceof BigInt) {
        value = value.valueOf();
      }
      const { aliasDuplicateObjects, onAnchor, onTagObj, schema, sourceObjects } = ctx;
      let ref = void 0;
      if (aliasDuplicateObjects && value && typeof value === "object") {
        ref = sourceObjects.get(value);
        if (ref) {
          ref.anchor ?? (ref.anchor = onAnchor(value));
          return new Alias.Alias(ref.anchor);
        } else {
          ref = { anchor: null, node: null };
          sourceObjects.set(value, ref);
        }
      }
      if (tagName?.startsWith("!!"))
        tagName = defaultTagPrefix + tagName.slice(2);
      let tagObj = findTagObject(value, tagName, schema.tags);
      if (!tagObj) {
        if (value && typeof value.toJSON === "function") {
          value = value.toJSON();
        }
        if (!value || typeof value !== "object") {
          const node2 = new Scalar.Scalar(value);
          if (ref)
            ref.node = node2;
          return node2;
        }
        tagObj = value instanceof Map ? schema[identity.MAP] : Symbol.iterator in Object(value) ? schema[identity.SEQ] : schema[identity.MAP];
      }
      if (onTagObj) {
        onTagObj(tagObj);
        delete ctx.onTagObj;
      }
      const node = tagObj?.createNode ? tagObj.createNode(ctx.schema, value, ctx) : typeof tagObj?.nodeClass?.from === "function" ? tagObj.nodeClass.from(ctx.schema, value, ctx) : new Scalar.Scalar(value);
      if (tagName)
        node.tag = tagName;
      else if (!tagObj.default)
        node.tag = tagObj.tag;
      if (ref)
        ref.node = node;
      return node;
    }
    exports.createNode = createNode;
  }
});

// node_modules/yaml/dist/nodes/Collection.js
var require_Collection = __commonJS({
  "node_modules/yaml/dist/nodes/Collection.js"(exports) {
    "use strict";
    var createNode = require_createNode();
    var identity = require_identity();
    var Node = require_Node();
    function collectionFromPath(schema, path, value) {
      let v = value;
      for (let i = path.length - 1; i >= 0; --i) {
        const k = path[i];
        if (typeof k === "number" && Number.isInteger(k) && k >= 0) {
          const a = [];
          a[k] = v;
          v = a;
        } else {
          v = /* @__PURE__ */ new Map([[k, v]]);
        }
      }
      return createNode.createNode(v, void 0, {
        aliasDuplicateObjects: false,
        keepUndefined: false,
        onAnchor: () => {
          throw new Error("This should not happen, please report a bug.");
        },
        schema,
        sourceObjects: /* @__PURE__ */ new Map()
      });
    }
    var isEmptyPath = (path) => path == null || typeof path === "object" && !!path[Symbol.iterator]().next().done;
    var Collection = class extends Node.NodeBase {
      constructor(type, schema) {
        super(type);
        Object.defineProperty(this, "schema", {
          value: schema,
          configurable: true,
          enumerable: false,
          writable: true
        });
      }
      /**
       * Create a copy of this collection.
       *
       * @param schema - If defined, overwrites the original's schema
       */
      clone(schema) {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (schema)
          copy.schema = schema;
        copy.items = copy.items.map((it) => identity.isNode(it) || identity.isPair(it) ? it.clone(schema) : it);
        if (this.range)
          copy.range = this.range.slice();
        return copy;
      }
      /**
       * Adds a value to the collection. For `!!map` and `!!omap` the value must
       * be a Pair instance or a `{ key, value }` object, which may not have a key
       * that already exists in the map.
       */
      addIn(path, value) {
        if (isEmptyPath(path))
          this.add(value);
        else {
          const [key, ...rest] = path;
          const node = this.get(key, true);
          if (identity.isCollection(node))
            node.addIn(rest, value);
          else if (node === void 0 && this.schema)
            this.set(key, collectionFromPath(this.schema, rest, value));
          else
            throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
      }
      /**
       * Removes a value from the collection.
       * @returns `true` if the item was found and removed.
       */
      deleteIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
          return this.delete(key);
        const node = this.get(key, true);
        if (identity.isCollection(node))
          return node.deleteIn(rest);
        else
          throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
      }
      /**
       * Returns item at `key`, or `undefined` if not found. By default unwraps
       * scalar values from their surrounding node; to disable set `keepScalar` to
       * `true` (collections are always returned intact).
       */
      getIn(path, keepScalar) {
        const [key, ...rest] = path;
        const node = this.get(key, true);
        if (rest.length === 0)
          return !keepScalar && identity.isScalar(node) ? node.value : node;
        else
          return identity.isCollection(node) ? node.getIn(rest, keepScalar) : void 0;
      }
      hasAllNullValues(allowScalar) {
        return this.items.every((node) => {
          if (!identity.isPair(node))
            return false;
          const n = node.value;
          return n == null || allowScalar && identity.isScalar(n) && n.value == null && !n.commentBefore && !n.comment && !n.tag;
        });
      }
      /**
       * Checks if the collection includes a value with the key `key`.
       */
      hasIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
          return this.has(key);
        const node = this.get(key, true);
        return identity.isCollection(node) ? node.hasIn(rest) : false;
      }
      /**
       * Sets a value in this collection. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       */
      setIn(path, value) {
        const [key, ...rest] = path;
        if (rest.length === 0) {
          this.set(key, value);
        } else {
          const node = this.get(key, true);
          if (identity.isCollection(node))
            node.setIn(rest, value);
          else if (node === void 0 && this.schema)
            this.set(key, collectionFromPath(this.schema, rest, value));
          else
            throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
      }
    };
    exports.Collection = Collection;
    exports.collectionFromPath = collectionFromPath;
    exports.isEmptyPath = isEmptyPath;
  }
});

// node_modules/yaml/dist/stringify/stringifyComment.js
var require_stringifyComment = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyComment.js"(exports) {
    "use strict";
    var stringifyComment = (str3) => str3.replace(/^(?!$)(?: $)?/gm, "#");
    function indentComment(comment, indent) {
      if (/^\n+$/.test(comment))
        return comment.substring(1);
      return indent ? comment.replace(/^(?! *$)/gm, indent) : comment;
    }
    var lineComment = (str3, indent, comment) => str3.endsWith("\n") ? indentComment(comment, indent) : comment.includes("\n") ? "\n" + indentComment(comment, indent) : (str3.endsWith(" ") ? "" : " ") + comment;
    exports.indentComment = indentComment;
    exports.lineComment = lineComment;
    exports.stringifyComment = stringifyComment;
  }
});

// node_modules/yaml/dist/stringify/foldFlowLines.js
var require_foldFlowLines = __commonJS({
  "node_modules/yaml/dist/stringify/foldFlowLines.js"(exports) {
    "use strict";
    var FOLD_FLOW = "flow";
    var FOLD_BLOCK = "block";
    var FOLD_QUOTED = "quoted";
    function foldFlowLines(text, indent, mode = "flow", { indentAtStart, lineWidth = 80, minContentWidth = 20, onFold, onOverflow } = {}) {
      if (!lineWidth || lineWidth < 0)
        return text;
      if (lineWidth < minContentWidth)
        minContentWidth = 0;
      const endStep = Math.max(1 + minContentWidth, 1 + lineWidth - indent.length);
      if (text.length <= endStep)
        return text;
      const folds = [];
      const escapedFolds = {};
      let end = lineWidth - indent.length;
      if (typeof indentAtStart === "number") {
        if (indentAtStart > lineWidth - Math.max(2, minContentWidth))
          folds.push(0);
        else
          end = lineWidth - indentAtStart;
      }
      let split = void 0;
      let prev = void 0;
      let overflow = false;
      let i = -1;
      let escStart = -1;
      let escEnd = -1;
      if (mode === FOLD_BLOCK) {
        i = consumeMoreIndentedLines(text, i, indent.length);
        if (i !== -1)
          end = i + endStep;
      }
      for (let ch; ch = text[i += 1]; ) {
        if (mode === FOLD_QUOTED && ch === "\\") {
          escStart = i;
          switch (text[i + 1]) {
            case "x":
              i += 3;
              break;
            case "u":
              i += 5;
              break;
            case "U":
              i += 9;
              break;
            default:
              i += 1;
          }
          escEnd = i;
        }
        if (ch === "\n") {
          if (mode === FOLD_BLOCK)
            i = consumeMoreIndentedLines(text, i, indent.length);
          end = i + indent.length + endStep;
          split = void 0;
        } else {
          if (ch === " " && prev && prev !== " " && prev !== "\n" && prev !== "	") {
            const next = text[i + 1];
            if (next && next !== " " && next !== "\n" && next !== "	")
              split = i;
          }
          if (i >= end) {
            if (split) {
              folds.push(split);
              end = split + endStep;
              split = void 0;
            } else if (mode === FOLD_QUOTED) {
              while (prev === " " || prev === "	") {
                prev = ch;
                ch = text[i += 1];
                overflow = true;
              }
              const j = i > escEnd + 1 ? i - 2 : escStart - 1;
              if (escapedFolds[j])
                return text;
              folds.push(j);
              escapedFolds[j] = true;
              end = j + endStep;
              split = void 0;
            } else {
              overflow = true;
            }
          }
        }
        prev = ch;
      }
      if (overflow && onOverflow)
        onOverflow();
      if (folds.length === 0)
        return text;
      if (onFold)
        onFold();
      let res = text.slice(0, folds[0]);
      for (let i2 = 0; i2 < folds.length; ++i2) {
        const fold2 = folds[i2];
        const end2 = folds[i2 + 1] || text.length;
        if (fold2 === 0)
          res = `
${indent}${text.slice(0, end2)}`;
        else {
          if (mode === FOLD_QUOTED && escapedFolds[fold2])
            res += `${text[fold2]}\\`;
          res += `
${indent}${text.slice(fold2 + 1, end2)}`;
        }
      }
      return res;
    }
    function consumeMoreIndentedLines(text, i, indent) {
      let end = i;
      let start = i + 1;
      let ch = text[start];
      while (ch === " " || ch === "	") {
        if (i < start + indent) {
          ch = text[++i];
        } else {
          do {
            ch = text[++i];
          } while (ch && ch !== "\n");
          end = i;
          start = i + 1;
          ch = text[start];
        }
      }
      return end;
    }
    exports.FOLD_BLOCK = FOLD_BLOCK;
    exports.FOLD_FLOW = FOLD_FLOW;
    exports.FOLD_QUOTED = FOLD_QUOTED;
    exports.foldFlowLines = foldFlowLines;
  }
});

// node_modules/yaml/dist/stringify/stringifyString.js
var require_stringifyString = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyString.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var foldFlowLines = require_foldFlowLines();
    var getFoldOptions = (ctx, isBlock) => ({
      indentAtStart: isBlock ? ctx.indent.length : ctx.indentAtStart,
      lineWidth: ctx.options.lineWidth,
      minContentWidth: ctx.options.minContentWidth
    });
    var containsDocumentMarker = (str3) => /^(%|---|\.\.\.)/m.test(str3);
    function lineLengthOverLimit(str3, lineWidth, indentLength) {
      if (!lineWidth || lineWidth < 0)
        return false;
      const limit = lineWidth - indentLength;
      const strLen = str3.length;
      if (strLen <= limit)
        return false;
      for (let i = 0, start = 0; i < strLen; ++i) {
        if (str3[i] === "\n") {
          if (i - start > limit)
            return true;
          start = i + 1;
          if (strLen - start <= limit)
            return false;
        }
      }
      return true;
    }
    function doubleQuotedString(value, ctx) {
      const json = JSON.stringify(value);
      if (ctx.options.doubleQuotedAsJSON)
        return json;
      const { implicitKey } = ctx;
      const minMultiLineLength = ctx.options.doubleQuotedMinMultiLineLength;
      const indent = ctx.indent || (containsDocumentMarker(value) ? "  " : "");
      let str3 = "";
      let start = 0;
      for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
        if (ch === " " && json[i + 1] === "\\" && json[i + 2] === "n") {
          str3 += json.slice(start, i) + "\\ ";
          i += 1;
          start = i;
          ch = "\\";
        }
        if (ch === "\\")
          switch (json[i + 1]) {
            case "u":
              {
                str3 += json.slice(start, i);
                const code = json.substr(i + 2, 4);
                switch (code) {
                  case "0000":
                    str3 += "\\0";
                    break;
                  case "0007":
                    str3 += "\\a";
                    break;
                  case "000b":
                    str3 += "\\v";
                    break;
                  case "001b":
                    str3 += "\\e";
                    break;
                  case "0085":
                    str3 += "\\N";
                    break;
                  case "00a0":
                    str3 += "\\_";
                    break;
                  case "2028":
                    str3 += "\\L";
                    break;
                  case "2029":
                    str3 += "\\P";
                    break;
                  default:
                    if (code.substr(0, 2) === "00")
                      str3 += "\\x" + code.substr(2);
                    else
                      str3 += json.substr(i, 6);
                }
                i += 5;
                start = i + 1;
              }
              break;
            case "n":
              if (implicitKey || json[i + 2] === '"' || json.length < minMultiLineLength) {
                i += 1;
              } else {
                str3 += json.slice(start, i) + "\n\n";
                while (json[i + 2] === "\\" && json[i + 3] === "n" && json[i + 4] !== '"') {
                  str3 += "\n";
                  i += 2;
                }
                str3 += indent;
                if (json[i + 2] === " ")
                  str3 += "\\";
                i += 1;
                start = i + 1;
              }
              break;
            default:
              i += 1;
          }
      }
      str3 = start ? str3 + json.slice(start) : json;
      return implicitKey ? str3 : foldFlowLines.foldFlowLines(str3, indent, foldFlowLines.FOLD_QUOTED, getFoldOptions(ctx, false));
    }
    function singleQuotedString(value, ctx) {
      if (ctx.options.singleQuote === false || ctx.implicitKey && value.includes("\n") || /[ \t]\n|\n[ \t]/.test(value))
        return doubleQuotedString(value, ctx);
      const indent = ctx.indent || (containsDocumentMarker(value) ? "  " : "");
      const res = "'" + value.replace(/'/g, "''").replace(/\n+/g, `$&
${indent}`) + "'";
      return ctx.implicitKey ? res : foldFlowLines.foldFlowLines(res, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
    }
    function quotedString(value, ctx) {
      const { singleQuote } = ctx.options;
      let qs;
      if (singleQuote === false)
        qs = doubleQuotedString;
      else {
        const hasDouble = value.includes('"');
        const hasSingle = value.includes("'");
        if (hasDouble && !hasSingle)
          qs = singleQuotedString;
        else if (hasSingle && !hasDouble)
          qs = doubleQuotedString;
        else
          qs = singleQuote ? singleQuotedString : doubleQuotedString;
      }
      return qs(value, ctx);
    }
    var blockEndNewlines;
    try {
      blockEndNewlines = new RegExp("(^|(?<!\n))\n+(?!\n|$)", "g");
    } catch {
      blockEndNewlines = /\n+(?!\n|$)/g;
    }
    function blockString({ comment, type, value }, ctx, onComment, onChompKeep) {
      const { blockQuote, commentString, lineWidth } = ctx.options;
      if (!blockQuote || /\n[\t ]+$/.test(value)) {
        return quotedString(value, ctx);
      }
      const indent = ctx.indent || (ctx.forceBlockIndent || containsDocumentMarker(value) ? "  " : "");
      const literal = blockQuote === "literal" ? true : blockQuote === "folded" || type === Scalar.Scalar.BLOCK_FOLDED ? false : type === Scalar.Scalar.BLOCK_LITERAL ? true : !lineLengthOverLimit(value, lineWidth, indent.length);
      if (!value)
        return literal ? "|\n" : ">\n";
      let chomp;
      let endStart;
      for (endStart = value.length; endStart > 0; --endStart) {
        const ch = value[endStart - 1];
        if (ch !== "\n" && ch !== "	" && ch !== " ")
          break;
      }
      let end = value.substring(endStart);
      const endNlPos = end.indexOf("\n");
      if (endNlPos === -1) {
        chomp = "-";
      } else if (value === end || endNlPos !== end.length - 1) {
        chomp = "+";
        if (onChompKeep)
          onChompKeep();
      } else {
        chomp = "";
      }
      if (end) {
        value = value.slice(0, -end.length);
        if (end[end.length - 1] === "\n")
          end = end.slice(0, -1);
        end = end.replace(blockEndNewlines, `$&${indent}`);
      }
      let startWithSpace = false;
      let startEnd;
      let startNlPos = -1;
      for (startEnd = 0; startEnd < value.length; ++startEnd) {
        const ch = value[startEnd];
        if (ch === " ")
          startWithSpace = true;
        else if (ch === "\n")
          startNlPos = startEnd;
        else
          break;
      }
      let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
      if (start) {
        value = value.substring(start.length);
        start = start.replace(/\n+/g, `$&${indent}`);
      }
      const indentSize = indent ? "2" : "1";
      let header = (startWithSpace ? indentSize : "") + chomp;
      if (comment) {
        header += " " + commentString(comment.replace(/ ?[\r\n]+/g, " "));
        if (onComment)
          onComment();
      }
      if (!literal) {
        const foldedValue = value.replace(/\n+/g, "\n$&").replace(/(?:^|\n)([\t ].*)(?:([\n\t ]*)\n(?![\n\t ]))?/g, "$1$2").replace(/\n+/g, `$&${indent}`);
        let literalFallback = false;
        const foldOptions = getFoldOptions(ctx, true);
        if (blockQuote !== "folded" && type !== Scalar.Scalar.BLOCK_FOLDED) {
          foldOptions.onOverflow = () => {
            literalFallback = true;
          };
        }
        const body = foldFlowLines.foldFlowLines(`${start}${foldedValue}${end}`, indent, foldFlowLines.FOLD_BLOCK, foldOptions);
        if (!literalFallback)
          return `>${header}
${indent}${body}`;
      }
      value = value.replace(/\n+/g, `$&${indent}`);
      return `|${header}
${indent}${start}${value}${end}`;
    }
    function plainString(item, ctx, onComment, onChompKeep) {
      const { type, value } = item;
      const { actualString, implicitKey, indent, indentStep, inFlow } = ctx;
      if (implicitKey && value.includes("\n") || inFlow && /[[\]{},]/.test(value)) {
        return quotedString(value, ctx);
      }
      if (/^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/.test(value)) {
        return implicitKey || inFlow || !value.includes("\n") ? quotedString(value, ctx) : blockString(item, ctx, onComment, onChompKeep);
      }
      if (!implicitKey && !inFlow && type !== Scalar.Scalar.PLAIN && value.includes("\n")) {
        return blockString(item, ctx, onComment, onChompKeep);
      }
      if (containsDocumentMarker(value)) {
        if (indent === "") {
          ctx.forceBlockIndent = true;
          return blockString(item, ctx, onComment, onChompKeep);
        } else if (implicitKey && indent === indentStep) {
          return quotedString(value, ctx);
        }
      }
      const str3 = value.replace(/\n+/g, `$&
${indent}`);
      if (actualString) {
        const test = (tag) => tag.default && tag.tag !== "tag:yaml.org,2002:str" && tag.test?.test(str3);
        const { compat, tags } = ctx.doc.schema;
        if (tags.some(test) || compat?.some(test))
          return quotedString(value, ctx);
      }
      return implicitKey ? str3 : foldFlowLines.foldFlowLines(str3, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
    }
    function stringifyString(item, ctx, onComment, onChompKeep) {
      const { implicitKey, inFlow } = ctx;
      const ss = typeof item.value === "string" ? item : Object.assign({}, item, { value: String(item.value) });
      let { type } = item;
      if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
        if (/[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u.test(ss.value))
          type = Scalar.Scalar.QUOTE_DOUBLE;
      }
      const _stringify = (_type) => {
        switch (_type) {
          case Scalar.Scalar.BLOCK_FOLDED:
          case Scalar.Scalar.BLOCK_LITERAL:
            return implicitKey || inFlow ? quotedString(ss.value, ctx) : blockString(ss, ctx, onComment, onChompKeep);
          case Scalar.Scalar.QUOTE_DOUBLE:
            return doubleQuotedString(ss.value, ctx);
          case Scalar.Scalar.QUOTE_SINGLE:
            return singleQuotedString(ss.value, ctx);
          case Scalar.Scalar.PLAIN:
            return plainString(ss, ctx, onComment, onChompKeep);
          default:
            return null;
        }
      };
      let res = _stringify(type);
      if (res === null) {
        const { defaultKeyType, defaultStringType } = ctx.options;
        const t = implicitKey && defaultKeyType || defaultStringType;
        res = _stringify(t);
        if (res === null)
          throw new Error(`Unsupported default string type ${t}`);
      }
      return res;
    }
    exports.stringifyString = stringifyString;
  }
});

// node_modules/yaml/dist/stringify/stringify.js
var require_stringify = __commonJS({
  "node_modules/yaml/dist/stringify/stringify.js"(exports) {
    "use strict";
    var anchors = require_anchors();
    var identity = require_identity();
    var stringifyComment = require_stringifyComment();
    var stringifyString = require_stringifyString();
    function createStringifyContext(doc, options2) {
      const opt = Object.assign({
        blockQuote: true,
        commentString: stringifyComment.stringifyComment,
        defaultKeyType: null,
        defaultStringType: "PLAIN",
        directives: null,
        doubleQuotedAsJSON: false,
        doubleQuotedMinMultiLineLength: 40,
        falseStr: "false",
        flowCollectionPadding: true,
        indentSeq: true,
        lineWidth: 80,
        minContentWidth: 20,
        nullStr: "null",
        simpleKeys: false,
        singleQuote: null,
        trailingComma: false,
        trueStr: "true",
        verifyAliasOrder: true
      }, doc.schema.toStringOptions, options2);
      let inFlow;
      switch (opt.collectionStyle) {
        case "block":
          inFlow = false;
          break;
        case "flow":
          inFlow = true;
          break;
        default:
          inFlow = null;
      }
      return {
        anchors: /* @__PURE__ */ new Set(),
        doc,
        flowCollectionPadding: opt.flowCollectionPadding ? " " : "",
        indent: "",
        indentStep: typeof opt.indent === "number" ? " ".repeat(opt.indent) : "  ",
        inFlow,
        options: opt
      };
    }
    function getTagObject(tags, item) {
      if (item.tag) {
        const match = tags.filter((t) => t.tag === item.tag);
        if (match.length > 0)
          return match.find((t) => t.format === item.format) ?? match[0];
      }
      let tagObj = void 0;
      let obj;
      if (identity.isScalar(item)) {
        obj = item.value;
        let match = tags.filter((t) => t.identify?.(obj));
        if (match.length > 1) {
          const testMatch = match.filter((t) => t.test);
          if (testMatch.length > 0)
            match = testMatch;
        }
        tagObj = match.find((t) => t.format === item.format) ?? match.find((t) => !t.format);
      } else {
        obj = item;
        tagObj = tags.find((t) => t.nodeClass && obj instanceof t.nodeClass);
      }
      if (!tagObj) {
        const name = obj?.constructor?.name ?? (obj === null ? "null" : typeof obj);
        throw new Error(`Tag not resolved for ${name} value`);
      }
      return tagObj;
    }
    function stringifyProps(node, tagObj, { anchors: anchors$1, doc }) {
      if (!doc.directives)
        return "";
      const props = [];
      const anchor = (identity.isScalar(node) || identity.isCollection(node)) && node.anchor;
      if (anchor && anchors.anchorIsValid(anchor)) {
        anchors$1.add(anchor);
        props.push(`&${anchor}`);
      }
      const tag = node.tag ?? (tagObj.default ? null : tagObj.tag);
      if (tag)
        props.push(doc.directives.tagString(tag));
      return props.join(" ");
    }
    function stringify(item, ctx, onComment, onChompKeep) {
      if (identity.isPair(item))
        return item.toString(ctx, onComment, onChompKeep);
      if (identity.isAlias(item)) {
        if (ctx.doc.directives)
          return item.toString(ctx);
        if (ctx.resolvedAliases?.has(item)) {
          throw new TypeError(`Cannot stringify circular structure without alias nodes`);
        } else {
          if (ctx.resolvedAliases)
            ctx.resolvedAliases.add(item);
          else
            ctx.resolvedAliases = /* @__PURE__ */ new Set([item]);
          item = item.resolve(ctx.doc);
        }
      }
      let tagObj = void 0;
      const node = identity.isNode(item) ? item : ctx.doc.createNode(item, { onTagObj: (o) => tagObj = o });
      tagObj ?? (tagObj = getTagObject(ctx.doc.schema.tags, node));
      const props = stringifyProps(node, tagObj, ctx);
      if (props.length > 0)
        ctx.indentAtStart = (ctx.indentAtStart ?? 0) + props.length + 1;
      const str3 = typeof tagObj.stringify === "function" ? tagObj.stringify(node, ctx, onComment, onChompKeep) : identity.isScalar(node) ? stringifyString.stringifyString(node, ctx, onComment, onChompKeep) : node.toString(ctx, onComment, onChompKeep);
      if (!props)
        return str3;
      return identity.isScalar(node) || str3[0] === "{" || str3[0] === "[" ? `${props} ${str3}` : `${props}
${ctx.indent}${str3}`;
    }
    exports.createStringifyContext = createStringifyContext;
    exports.stringify = stringify;
  }
});

// node_modules/yaml/dist/stringify/stringifyPair.js
var require_stringifyPair = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyPair.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Scalar = require_Scalar();
    var stringify = require_stringify();
    var stringifyComment = require_stringifyComment();
    function stringifyPair({ key, value }, ctx, onComment, onChompKeep) {
      const { allNullValues, doc, indent, indentStep, options: { commentString, indentSeq, simpleKeys } } = ctx;
      let keyComment = identity.isNode(key) && key.comment || null;
      if (simpleKeys) {
        if (keyComment) {
          throw new Error("With simple keys, key nodes cannot have comments");
        }
        if (identity.isCollection(key) || !identity.isNode(key) && typeof key === "object") {
          const msg = "With simple keys, collection cannot be used as a key value";
          throw new Error(msg);
        }
      }
      let explicitKey = !simpleKeys && (!key || keyComment && value == null && !ctx.inFlow || identity.isCollection(key) || (identity.isScalar(key) ? key.type === Scalar.Scalar.BLOCK_FOLDED || key.type === Scalar.Scalar.BLOCK_LITERAL : typeof key === "object"));
      ctx = Object.assign({}, ctx, {
        allNullValues: false,
        implicitKey: !explicitKey && (simpleKeys || !allNullValues),
        indent: indent + indentStep
      });
      let keyCommentDone = false;
      let chompKeep = false;
      let str3 = stringify.stringify(key, ctx, () => keyCommentDone = true, () => chompKeep = true);
      if (!explicitKey && !ctx.inFlow && str3.length > 1024) {
        if (simpleKeys)
          throw new Error("With simple keys, single line scalar must not span more than 1024 characters");
        explicitKey = true;
      }
      if (ctx.inFlow) {
        if (allNullValues || value == null) {
          if (keyCommentDone && onComment)
            onComment();
          return str3 === "" ? "?" : explicitKey ? `? ${str3}` : str3;
        }
      } else if (allNullValues && !simpleKeys || value == null && explicitKey) {
        str3 = `? ${str3}`;
        if (keyComment && !keyCommentDone) {
          str3 += stringifyComment.lineComment(str3, ctx.indent, commentString(keyComment));
        } else if (chompKeep && onChompKeep)
          onChompKeep();
        return str3;
      }
      if (keyCommentDone)
        keyComment = null;
      if (explicitKey) {
        if (keyComment)
          str3 += stringifyComment.lineComment(str3, ctx.indent, commentString(keyComment));
        str3 = `? ${str3}
${indent}:`;
      } else {
        str3 = `${str3}:`;
        if (keyComment)
          str3 += stringifyComment.lineComment(str3, ctx.indent, commentString(keyComment));
      }
      let vsb, vcb, valueComment;
      if (identity.isNode(value)) {
        vsb = !!value.spaceBefore;
        vcb = value.commentBefore;
        valueComment = value.comment;
      } else {
        vsb = false;
        vcb = null;
        valueComment = null;
        if (value && typeof value === "object")
          value = doc.createNode(value);
      }
      ctx.implicitKey = false;
      if (!explicitKey && !keyComment && identity.isScalar(value))
        ctx.indentAtStart = str3.length + 1;
      chompKeep = false;
      if (!indentSeq && indentStep.length >= 2 && !ctx.inFlow && !explicitKey && identity.isSeq(value) && !value.flow && !value.tag && !value.anchor) {
        ctx.indent = ctx.indent.substring(2);
      }
      let valueCommentDone = false;
      const valueStr = stringify.stringify(value, ctx, () => valueCommentDone = true, () => chompKeep = true);
      let ws = " ";
      if (keyComment || vsb || vcb) {
        ws = vsb ? "\n" : "";
        if (vcb) {
          const cs = commentString(vcb);
          ws += `
${stringifyComment.indentComment(cs, ctx.indent)}`;
        }
        if (valueStr === "" && !ctx.inFlow) {
          if (ws === "\n" && valueComment)
            ws = "\n\n";
        } else {
          ws += `
${ctx.indent}`;
        }
      } else if (!explicitKey && identity.isCollection(value)) {
        const vs0 = valueStr[0];
        const nl0 = valueStr.indexOf("\n");
        const hasNewline = nl0 !== -1;
        const flow = ctx.inFlow ?? value.flow ?? value.items.length === 0;
        if (hasNewline || !flow) {
          let hasPropsLine = false;
          if (hasNewline && (vs0 === "&" || vs0 === "!")) {
            let sp0 = valueStr.indexOf(" ");
            if (vs0 === "&" && sp0 !== -1 && sp0 < nl0 && valueStr[sp0 + 1] === "!") {
              sp0 = valueStr.indexOf(" ", sp0 + 1);
            }
            if (sp0 === -1 || nl0 < sp0)
              hasPropsLine = true;
          }
          if (!hasPropsLine)
            ws = `
${ctx.indent}`;
        }
      } else if (valueStr === "" || valueStr[0] === "\n") {
        ws = "";
      }
      str3 += ws + valueStr;
      if (ctx.inFlow) {
        if (valueCommentDone && onComment)
          onComment();
      } else if (valueComment && !valueCommentDone) {
        str3 += stringifyComment.lineComment(str3, ctx.indent, commentString(valueComment));
      } else if (chompKeep && onChompKeep) {
        onChompKeep();
      }
      return str3;
    }
    exports.stringifyPair = stringifyPair;
  }
});

// node_modules/yaml/dist/log.js
var require_log = __commonJS({
  "node_modules/yaml/dist/log.js"(exports) {
    "use strict";
    var node_process = __require("process");
    function debug(logLevel, ...messages) {
      if (logLevel === "debug")
        console.log(...messages);
    }
    function warn(logLevel, warning) {
      if (logLevel === "debug" || logLevel === "warn") {
        if (typeof node_process.emitWarning === "function")
          node_process.emitWarning(warning);
        else
          console.warn(warning);
      }
    }
    exports.debug = debug;
    exports.warn = warn;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/merge.js
var require_merge = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/merge.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Scalar = require_Scalar();
    var MERGE_KEY = "<<";
    var merge = {
      identify: (value) => value === MERGE_KEY || typeof value === "symbol" && value.description === MERGE_KEY,
      default: "key",
      tag: "tag:yaml.org,2002:merge",
      test: /^<<$/,
      resolve: () => Object.assign(new Scalar.Scalar(Symbol(MERGE_KEY)), {
        addToJSMap: addMergeToJSMap
      }),
      stringify: () => MERGE_KEY
    };
    var isMergeKey = (ctx, key) => (merge.identify(key) || identity.isScalar(key) && (!key.type || key.type === Scalar.Scalar.PLAIN) && merge.identify(key.value)) && ctx?.doc.schema.tags.some((tag) => tag.tag === merge.tag && tag.default);
    function addMergeToJSMap(ctx, map, value) {
      const source = resolveAliasValue(ctx, value);
      if (identity.isSeq(source))
        for (const it of source.items)
          mergeValue(ctx, map, it);
      else if (Array.isArray(source))
        for (const it of source)
          mergeValue(ctx, map, it);
      else
        mergeValue(ctx, map, source);
    }
    function mergeValue(ctx, map, value) {
      const source = resolveAliasValue(ctx, value);
      if (!identity.isMap(source))
        throw new Error("Merge sources must be maps or map aliases");
      const srcMap = source.toJSON(null, ctx, Map);
      for (const [key, value2] of srcMap) {
        if (map instanceof Map) {
          if (!map.has(key))
            map.set(key, value2);
        } else if (map instanceof Set) {
          map.add(key);
        } else if (!Object.prototype.hasOwnProperty.call(map, key)) {
          Object.defineProperty(map, key, {
            value: value2,
            writable: true,
            enumerable: true,
            configurable: true
          });
        }
      }
      return map;
    }
    function resolveAliasValue(ctx, value) {
      return ctx && identity.isAlias(value) ? value.resolve(ctx.doc, ctx) : value;
    }
    exports.addMergeToJSMap = addMergeToJSMap;
    exports.isMergeKey = isMergeKey;
    exports.merge = merge;
  }
});

// node_modules/yaml/dist/nodes/addPairToJSMap.js
var require_addPairToJSMap = __commonJS({
  "node_modules/yaml/dist/nodes/addPairToJSMap.js"(exports) {
    "use strict";
    var log = require_log();
    var merge = require_merge();
    var stringify = require_stringify();
    var identity = require_identity();
    var toJS = require_toJS();
    function addPairToJSMap(ctx, map, { key, value }) {
      if (identity.isNode(key) && key.addToJSMap)
        key.addToJSMap(ctx, map, value);
      else if (merge.isMergeKey(ctx, key))
        merge.addMergeToJSMap(ctx, map, value);
      else {
        const jsKey = toJS.toJS(key, "", ctx);
        if (map instanceof Map) {
          map.set(jsKey, toJS.toJS(value, jsKey, ctx));
        } else if (map instanceof Set) {
          map.add(jsKey);
        } else {
          const stringKey = stringifyKey(key, jsKey, ctx);
          const jsValue = toJS.toJS(value, stringKey, ctx);
          if (stringKey in map)
            Object.defineProperty(map, stringKey, {
              value: jsValue,
              writable: true,
              enumerable: true,
              configurable: true
            });
          else
            map[stringKey] = jsValue;
        }
      }
      return map;
    }
    function stringifyKey(key, jsKey, ctx) {
      if (jsKey === null)
        return "";
      if (typeof jsKey !== "object")
        return String(jsKey);
      if (identity.isNode(key) && ctx?.doc) {
        const strCtx = stringify.createStringifyContext(ctx.doc, {});
        strCtx.anchors = /* @__PURE__ */ new Set();
        for (const node of ctx.anchors.keys())
          strCtx.anchors.add(node.anchor);
        strCtx.inFlow = true;
        strCtx.inStringifyKey = true;
        const strKey = key.toString(strCtx);
        if (!ctx.mapKeyWarned) {
          let jsonStr = JSON.stringify(strKey);
          if (jsonStr.length > 40)
            jsonStr = jsonStr.substring(0, 36) + '..."';
          log.warn(ctx.doc.options.logLevel, `Keys with collection values will be stringified due to JS Object restrictions: ${jsonStr}. Set mapAsMap: true to use object keys.`);
          ctx.mapKeyWarned = true;
        }
        return strKey;
      }
      return JSON.stringify(jsKey);
    }
    exports.addPairToJSMap = addPairToJSMap;
  }
});

// node_modules/yaml/dist/nodes/Pair.js
var require_Pair = __commonJS({
  "node_modules/yaml/dist/nodes/Pair.js"(exports) {
    "use strict";
    var createNode = require_createNode();
    var stringifyPair = require_stringifyPair();
    var addPairToJSMap = require_addPairToJSMap();
    var identity = require_identity();
    function createPair(key, value, ctx) {
      const k = createNode.createNode(key, void 0, ctx);
      const v = createNode.createNode(value, void 0, ctx);
      return new Pair(k, v);
    }
    var Pair = class _Pair {
      constructor(key, value = null) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.PAIR });
        this.key = key;
        this.value = value;
      }
      clone(schema) {
        let { key, value } = this;
        if (identity.isNode(key))
          key = key.clone(schema);
        if (identity.isNode(value))
          value = value.clone(schema);
        return new _Pair(key, value);
      }
      toJSON(_, ctx) {
        const pair = ctx?.mapAsMap ? /* @__PURE__ */ new Map() : {};
        return addPairToJSMap.addPairToJSMap(ctx, pair, this);
      }
      toString(ctx, onComment, onChompKeep) {
        return ctx?.doc ? stringifyPair.stringifyPair(this, ctx, onComment, onChompKeep) : JSON.stringify(this);
      }
    };
    exports.Pair = Pair;
    exports.createPair = createPair;
  }
});

// node_modules/yaml/dist/stringify/stringifyCollection.js
var require_stringifyCollection = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyCollection.js"(exports) {
    "use strict";
    var identity = require_identity();
    var stringify = require_stringify();
    var stringifyComment = require_stringifyComment();
    function stringifyCollection(collection, ctx, options2) {
      const flow = ctx.inFlow ?? collection.flow;
      const stringify2 = flow ? stringifyFlowCollection : stringifyBlockCollection;
      return stringify2(collection, ctx, options2);
    }
    function stringifyBlockCollection({ comment, items }, ctx, { blockItemPrefix, flowChars, itemIndent, onChompKeep, onComment }) {
      const { indent, options: { commentString } } = ctx;
      const itemCtx = Object.assign({}, ctx, { indent: itemIndent, type: null });
      let chompKeep = false;
      const lines = [];
      for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment2 = null;
        if (identity.isNode(item)) {
          if (!chompKeep && item.spaceBefore)
            lines.push("");
          addCommentBefore(ctx, lines, item.commentBefore, chompKeep);
          if (item.comment)
            comment2 = item.comment;
        } else if (identity.isPair(item)) {
          const ik = identity.isNode(item.key) ? item.key : null;
          if (ik) {
            if (!chompKeep && ik.spaceBefore)
              lines.push("");
            addCommentBefore(ctx, lines, ik.commentBefore, chompKeep);
          }
        }
        chompKeep = false;
        let str4 = stringify.stringify(item, itemCtx, () => comment2 = null, () => chompKeep = true);
        if (comment2)
          str4 += stringifyComment.lineComment(str4, itemIndent, commentString(comment2));
        if (chompKeep && comment2)
          chompKeep = false;
        lines.push(blockItemPrefix + str4);
      }
      let str3;
      if (lines.length === 0) {
        str3 = flowChars.start + flowChars.end;
      } else {
        str3 = lines[0];
        for (let i = 1; i < lines.length; ++i) {
          const line = lines[i];
          str3 += line ? `
${indent}${line}` : "\n";
        }
      }
      if (comment) {
        str3 += "\n" + stringifyComment.indentComment(commentString(comment), indent);
        if (onComment)
          onComment();
      } else if (chompKeep && onChompKeep)
        onChompKeep();
      return str3;
    }
    function stringifyFlowCollection({ items }, ctx, { flowChars, itemIndent }) {
      const { indent, indentStep, flowCollectionPadding: fcPadding, options: { commentString } } = ctx;
      itemIndent += indentStep;
      const itemCtx = Object.assign({}, ctx, {
        indent: itemIndent,
        inFlow: true,
        type: null
      });
      let reqNewline = false;
      let linesAtValue = 0;
      const lines = [];
      for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment = null;
        if (identity.isNode(item)) {
          if (item.spaceBefore)
            lines.push("");
          addCommentBefore(ctx, lines, item.commentBefore, false);
          if (item.comment)
            comment = item.comment;
        } else if (identity.isPair(item)) {
          const ik = identity.isNode(item.key) ? item.key : null;
          if (ik) {
            if (ik.spaceBefore)
              lines.push("");
            addCommentBefore(ctx, lines, ik.commentBefore, false);
            if (ik.comment)
              reqNewline = true;
          }
          const iv = identity.isNode(item.value) ? item.value : null;
          if (iv) {
            if (iv.comment)
              comment = iv.comment;
            if (iv.commentBefore)
              reqNewline = true;
          } else if (item.value == null && ik?.comment) {
            comment = ik.comment;
          }
        }
        if (comment)
          reqNewline = true;
        let str3 = stringify.stringify(item, itemCtx, () => comment = null);
        reqNewline || (reqNewline = lines.length > linesAtValue || str3.includes("\n"));
        if (i < items.length - 1) {
          str3 += ",";
        } else if (ctx.options.trailingComma) {
          if (ctx.options.lineWidth > 0) {
            reqNewline || (reqNewline = lines.reduce((sum, line) => sum + line.length + 2, 2) + (str3.length + 2) > ctx.options.lineWidth);
          }
          if (reqNewline) {
            str3 += ",";
          }
        }
        if (comment)
          str3 += stringifyComment.lineComment(str3, itemIndent, commentString(comment));
        lines.push(str3);
        linesAtValue = lines.length;
      }
      const { start, end } = flowChars;
      if (lines.length === 0) {
        return start + end;
      } else {
        if (!reqNewline) {
          const len = lines.reduce((sum, line) => sum + line.length + 2, 2);
          reqNewline = ctx.options.lineWidth > 0 && len > ctx.options.lineWidth;
        }
        if (reqNewline) {
          let str3 = start;
          for (const line of lines)
            str3 += line ? `
${indentStep}${indent}${line}` : "\n";
          return `${str3}
${indent}${end}`;
        } else {
          return `${start}${fcPadding}${lines.join(" ")}${fcPadding}${end}`;
        }
      }
    }
    function addCommentBefore({ indent, options: { commentString } }, lines, comment, chompKeep) {
      if (comment && chompKeep)
        comment = comment.replace(/^\n+/, "");
      if (comment) {
        const ic = stringifyComment.indentComment(commentString(comment), indent);
        lines.push(ic.trimStart());
      }
    }
    exports.stringifyCollection = stringifyCollection;
  }
});

// node_modules/yaml/dist/nodes/YAMLMap.js
var require_YAMLMap = __commonJS({
  "node_modules/yaml/dist/nodes/YAMLMap.js"(exports) {
    "use strict";
    var stringifyCollection = require_stringifyCollection();
    var addPairToJSMap = require_addPairToJSMap();
    var Collection = require_Collection();
    var identity = require_identity();
    var Pair = require_Pair();
    var Scalar = require_Scalar();
    function findPair(items, key) {
      const k = identity.isScalar(key) ? key.value : key;
      for (const it of items) {
        if (identity.isPair(it)) {
          if (it.key === key || it.key === k)
            return it;
          if (identity.isScalar(it.key) && it.key.value === k)
            return it;
        }
      }
      return void 0;
    }
    var YAMLMap = class extends Collection.Collection {
      static get tagName() {
        return "tag:yaml.org,2002:map";
      }
      constructor(schema) {
        super(identity.MAP, schema);
        this.items = [];
      }
      /**
       * A generic collection parsing method that can be extended
       * to other node classes that inherit from YAMLMap
       */
      static from(schema, obj, ctx) {
        const { keepUndefined, replacer } = ctx;
        const map = new this(schema);
        const add = (key, value) => {
          if (typeof replacer === "function")
            value = replacer.call(obj, key, value);
          else if (Array.isArray(replacer) && !replacer.includes(key))
            return;
          if (value !== void 0 || keepUndefined)
            map.items.push(Pair.createPair(key, value, ctx));
        };
        if (obj instanceof Map) {
          for (const [key, value] of obj)
            add(key, value);
        } else if (obj && typeof obj === "object") {
          for (const key of Object.keys(obj))
            add(key, obj[key]);
        }
        if (typeof schema.sortMapEntries === "function") {
          map.items.sort(schema.sortMapEntries);
        }
        return map;
      }
      /**
       * Adds a value to the collection.
       *
       * @param overwrite - If not set `true`, using a key that is already in the
       *   collection will throw. Otherwise, overwrites the previous value.
       */
      add(pair, overwrite) {
        let _pair;
        if (identity.isPair(pair))
          _pair = pair;
        else if (!pair || typeof pair !== "object" || !("key" in pair)) {
          _pair = new Pair.Pair(pair, pair?.value);
        } else
          _pair = new Pair.Pair(pair.key, pair.value);
        const prev = findPair(this.items, _pair.key);
        const sortEntries = this.schema?.sortMapEntries;
        if (prev) {
          if (!overwrite)
            throw new Error(`Key ${_pair.key} already set`);
          if (identity.isScalar(prev.value) && Scalar.isScalarValue(_pair.value))
            prev.value.value = _pair.value;
          else
            prev.value = _pair.value;
        } else if (sortEntries) {
          const i = this.items.findIndex((item) => sortEntries(_pair, item) < 0);
          if (i === -1)
            this.items.push(_pair);
          else
            this.items.splice(i, 0, _pair);
        } else {
          this.items.push(_pair);
        }
      }
      delete(key) {
        const it = findPair(this.items, key);
        if (!it)
          return false;
        const del = this.items.splice(this.items.indexOf(it), 1);
        return del.length > 0;
      }
      get(key, keepScalar) {
        const it = findPair(this.items, key);
        const node = it?.value;
        return (!keepScalar && identity.isScalar(node) ? node.value : node) ?? void 0;
      }
      has(key) {
        return !!findPair(this.items, key);
      }
      set(key, value) {
        this.add(new Pair.Pair(key, value), true);
      }
      /**
       * @param ctx - Conversion context, originally set in Document#toJS()
       * @param {Class} Type - If set, forces the returned collection type
       * @returns Instance of Type, Map, or Object
       */
      toJSON(_, ctx, Type) {
        const map = Type ? new Type() : ctx?.mapAsMap ? /* @__PURE__ */ new Map() : {};
        if (ctx?.onCreate)
          ctx.onCreate(map);
        for (const item of this.items)
          addPairToJSMap.addPairToJSMap(ctx, map, item);
        return map;
      }
      toString(ctx, onComment, onChompKeep) {
        if (!ctx)
          return JSON.stringify(this);
        for (const item of this.items) {
          if (!identity.isPair(item))
            throw new Error(`Map items must all be pairs; found ${JSON.stringify(item)} instead`);
        }
        if (!ctx.allNullValues && this.hasAllNullValues(false))
          ctx = Object.assign({}, ctx, { allNullValues: true });
        return stringifyCollection.stringifyCollection(this, ctx, {
          blockItemPrefix: "",
          flowChars: { start: "{", end: "}" },
          itemIndent: ctx.indent || "",
          onChompKeep,
          onComment
        });
      }
    };
    exports.YAMLMap = YAMLMap;
    exports.findPair = findPair;
  }
});

// node_modules/yaml/dist/schema/common/map.js
var require_map = __commonJS({
  "node_modules/yaml/dist/schema/common/map.js"(exports) {
    "use strict";
    var identity = require_identity();
    var YAMLMap = require_YAMLMap();
    var map = {
      collection: "map",
      default: true,
      nodeClass: YAMLMap.YAMLMap,
      tag: "tag:yaml.org,2002:map",
      resolve(map2, onError) {
        if (!identity.isMap(map2))
          onError("Expected a mapping for this tag");
        return map2;
      },
      createNode: (schema, obj, ctx) => YAMLMap.YAMLMap.from(schema, obj, ctx)
    };
    exports.map = map;
  }
});

// node_modules/yaml/dist/nodes/YAMLSeq.js
var require_YAMLSeq = __commonJS({
  "node_modules/yaml/dist/nodes/YAMLSeq.js"(exports) {
    "use strict";
    var createNode = require_createNode();
    var stringifyCollection = require_stringifyCollection();
    var Collection = require_Collection();
    var identity = require_identity();
    var Scalar = require_Scalar();
    var toJS = require_toJS();
    var YAMLSeq = class extends Collection.Collection {
      static get tagName() {
        return "tag:yaml.org,2002:seq";
      }
      constructor(schema) {
        super(identity.SEQ, schema);
        this.items = [];
      }
      add(value) {
        this.items.push(value);
      }
      /**
       * Removes a value from the collection.
       *
       * `key` must contain a representation of an integer for this to succeed.
       * It may be wrapped in a `Scalar`.
       *
       * @returns `true` if the item was found and removed.
       */
      delete(key) {
        const idx = asItemIndex(key);
        if (typeof idx !== "number")
          return false;
        const del = this.items.splice(idx, 1);
        return del.length > 0;
      }
      get(key, keepScalar) {
        const idx = asItemIndex(key);
        if (typeof idx !== "number")
          return void 0;
        const it = this.items[idx];
        return !keepScalar && identity.isScalar(it) ? it.value : it;
      }
      /**
       * Checks if the collection includes a value with the key `key`.
       *
       * `key` must contain a representation of an integer for this to succeed.
       * It may be wrapped in a `Scalar`.
       */
      has(key) {
        const idx = asItemIndex(key);
        return typeof idx === "number" && idx < this.items.length;
      }
      /**
       * Sets a value in this collection. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       *
       * If `key` does not contain a representation of an integer, this will throw.
       * It may be wrapped in a `Scalar`.
       */
      set(key, value) {
        const idx = asItemIndex(key);
        if (typeof idx !== "number")
          throw new Error(`Expected a valid index, not ${key}.`);
        const prev = this.items[idx];
        if (identity.isScalar(prev) && Scalar.isScalarValue(value))
          prev.value = value;
        else
          this.items[idx] = value;
      }
      toJSON(_, ctx) {
        const seq = [];
        if (ctx?.onCreate)
          ctx.onCreate(seq);
        let i = 0;
        for (const item of this.items)
          seq.push(toJS.toJS(item, String(i++), ctx));
        return seq;
      }
      toString(ctx, onComment, onChompKeep) {
        if (!ctx)
          return JSON.stringify(this);
        return stringifyCollection.stringifyCollection(this, ctx, {
          blockItemPrefix: "- ",
          flowChars: { start: "[", end: "]" },
          itemIndent: (ctx.indent || "") + "  ",
          onChompKeep,
          onComment
        });
      }
      static from(schema, obj, ctx) {
        const { replacer } = ctx;
        const seq = new this(schema);
        if (obj && Symbol.iterator in Object(obj)) {
          let i = 0;
          for (let it of obj) {
            if (typeof replacer === "function") {
              const key = obj instanceof Set ? it : String(i++);
              it = replacer.call(obj, key, it);
            }
            seq.items.push(createNode.createNode(it, void 0, ctx));
          }
        }
        return seq;
      }
    };
    function asItemIndex(key) {
      let idx = identity.isScalar(key) ? key.value : key;
      if (idx && typeof idx === "string")
        idx = Number(idx);
      return typeof idx === "number" && Number.isInteger(idx) && idx >= 0 ? idx : null;
    }
    exports.YAMLSeq = YAMLSeq;
  }
});

// node_modules/yaml/dist/schema/common/seq.js
var require_seq = __commonJS({
  "node_modules/yaml/dist/schema/common/seq.js"(exports) {
    "use strict";
    var identity = require_identity();
    var YAMLSeq = require_YAMLSeq();
    var seq = {
      collection: "seq",
      default: true,
      nodeClass: YAMLSeq.YAMLSeq,
      tag: "tag:yaml.org,2002:seq",
      resolve(seq2, onError) {
        if (!identity.isSeq(seq2))
          onError("Expected a sequence for this tag");
        return seq2;
      },
      createNode: (schema, obj, ctx) => YAMLSeq.YAMLSeq.from(schema, obj, ctx)
    };
    exports.seq = seq;
  }
});

// node_modules/yaml/dist/schema/common/string.js
var require_string = __commonJS({
  "node_modules/yaml/dist/schema/common/string.js"(exports) {
    "use strict";
    var stringifyString = require_stringifyString();
    var string = {
      identify: (value) => typeof value === "string",
      default: true,
      tag: "tag:yaml.org,2002:str",
      resolve: (str3) => str3,
      stringify(item, ctx, onComment, onChompKeep) {
        ctx = Object.assign({ actualString: true }, ctx);
        return stringifyString.stringifyString(item, ctx, onComment, onChompKeep);
      }
    };
    exports.string = string;
  }
});

// node_modules/yaml/dist/schema/common/null.js
var require_null = __commonJS({
  "node_modules/yaml/dist/schema/common/null.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var nullTag = {
      identify: (value) => value == null,
      createNode: () => new Scalar.Scalar(null),
      default: true,
      tag: "tag:yaml.org,2002:null",
      test: /^(?:~|[Nn]ull|NULL)?$/,
      resolve: () => new Scalar.Scalar(null),
      stringify: ({ source }, ctx) => typeof source === "string" && nullTag.test.test(source) ? source : ctx.options.nullStr
    };
    exports.nullTag = nullTag;
  }
});

// node_modules/yaml/dist/schema/core/bool.js
var require_bool = __commonJS({
  "node_modules/yaml/dist/schema/core/bool.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var boolTag = {
      identify: (value) => typeof value === "boolean",
      default: true,
      tag: "tag:yaml.org,2002:bool",
      test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
      resolve: (str3) => new Scalar.Scalar(str3[0] === "t" || str3[0] === "T"),
      stringify({ source, value }, ctx) {
        if (source && boolTag.test.test(source)) {
          const sv = source[0] === "t" || source[0] === "T";
          if (value === sv)
            return source;
        }
        return value ? ctx.options.trueStr : ctx.options.falseStr;
      }
    };
    exports.boolTag = boolTag;
  }
});

// node_modules/yaml/dist/stringify/stringifyNumber.js
var require_stringifyNumber = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyNumber.js"(exports) {
    "use strict";
    function stringifyNumber({ format, minFractionDigits, tag, value }) {
      if (typeof value === "bigint")
        return String(value);
      const num = typeof value === "number" ? value : Number(value);
      if (!isFinite(num))
        return isNaN(num) ? ".nan" : num < 0 ? "-.inf" : ".inf";
      let n = Object.is(value, -0) ? "-0" : JSON.stringify(value);
      if (!format && minFractionDigits && (!tag || tag === "tag:yaml.org,2002:float") && /^-?\d/.test(n) && !n.includes("e")) {
        let i = n.indexOf(".");
        if (i < 0) {
          i = n.length;
          n += ".";
        }
        let d = minFractionDigits - (n.length - i - 1);
        while (d-- > 0)
          n += "0";
      }
      return n;
    }
    exports.stringifyNumber = stringifyNumber;
  }
});

// node_modules/yaml/dist/schema/core/float.js
var require_float = __commonJS({
  "node_modules/yaml/dist/schema/core/float.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var stringifyNumber = require_stringifyNumber();
    var floatNaN = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
      resolve: (str3) => str3.slice(-3).toLowerCase() === "nan" ? NaN : str3[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
      stringify: stringifyNumber.stringifyNumber
    };
    var floatExp = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      format: "EXP",
      test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
      resolve: (str3) => parseFloat(str3),
      stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
      }
    };
    var float = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
      resolve(str3) {
        const node = new Scalar.Scalar(parseFloat(str3));
        const dot = str3.indexOf(".");
        if (dot !== -1 && str3[str3.length - 1] === "0")
          node.minFractionDigits = str3.length - dot - 1;
        return node;
      },
      stringify: stringifyNumber.stringifyNumber
    };
    exports.float = float;
    exports.floatExp = floatExp;
    exports.floatNaN = floatNaN;
  }
});

// node_modules/yaml/dist/schema/core/int.js
var require_int = __commonJS({
  "node_modules/yaml/dist/schema/core/int.js"(exports) {
    "use strict";
    var stringifyNumber = require_stringifyNumber();
    var intIdentify = (value) => typeof value === "bigint" || Number.isInteger(value);
    var intResolve = (str3, offset, radix, { intAsBigInt }) => intAsBigInt ? BigInt(str3) : parseInt(str3.substring(offset), radix);
    function intStringify(node, radix, prefix) {
      const { value } = node;
      if (intIdentify(value) && value >= 0)
        return prefix + value.toString(radix);
      return stringifyNumber.stringifyNumber(node);
    }
    var intOct = {
      identify: (value) => intIdentify(value) && value >= 0,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "OCT",
      test: /^0o[0-7]+$/,
      resolve: (str3, _onError, opt) => intResolve(str3, 2, 8, opt),
      stringify: (node) => intStringify(node, 8, "0o")
    };
    var int = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      test: /^[-+]?[0-9]+$/,
      resolve: (str3, _onError, opt) => intResolve(str3, 0, 10, opt),
      stringify: stringifyNumber.stringifyNumber
    };
    var intHex = {
      identify: (value) => intIdentify(value) && value >= 0,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "HEX",
      test: /^0x[0-9a-fA-F]+$/,
      resolve: (str3, _onError, opt) => intResolve(str3, 2, 16, opt),
      stringify: (node) => intStringify(node, 16, "0x")
    };
    exports.int = int;
    exports.intHex = intHex;
    exports.intOct = intOct;
  }
});

// node_modules/yaml/dist/schema/core/schema.js
var require_schema = __commonJS({
  "node_modules/yaml/dist/schema/core/schema.js"(exports) {
    "use strict";
    var map = require_map();
    var _null = require_null();
    var seq = require_seq();
    var string = require_string();
    var bool = require_bool();
    var float = require_float();
    var int = require_int();
    var schema = [
      map.map,
      seq.seq,
      string.string,
      _null.nullTag,
      bool.boolTag,
      int.intOct,
      int.int,
      int.intHex,
      float.floatNaN,
      float.floatExp,
      float.float
    ];
    exports.schema = schema;
  }
});

// node_modules/yaml/dist/schema/json/schema.js
var require_schema2 = __commonJS({
  "node_modules/yaml/dist/schema/json/schema.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var map = require_map();
    var seq = require_seq();
    function intIdentify(value) {
      return typeof value === "bigint" || Number.isInteger(value);
    }
    var stringifyJSON = ({ value }) => JSON.stringify(value);
    var jsonScalars = [
      {
        identify: (value) => typeof value === "string",
        default: true,
        tag: "tag:yaml.org,2002:str",
        resolve: (str3) => str3,
        stringify: stringifyJSON
      },
      {
        identify: (value) => value == null,
        createNode: () => new Scalar.Scalar(null),
        default: true,
        tag: "tag:yaml.org,2002:null",
        test: /^null$/,
        resolve: () => null,
        stringify: stringifyJSON
      },
      {
        identify: (value) => typeof value === "boolean",
        default: true,
        tag: "tag:yaml.org,2002:bool",
        test: /^true$|^false$/,
        resolve: (str3) => str3 === "true",
        stringify: stringifyJSON
      },
      {
        identify: intIdentify,
        default: true,
        tag: "tag:yaml.org,2002:int",
        test: /^-?(?:0|[1-9][0-9]*)$/,
        resolve: (str3, _onError, { intAsBigInt }) => intAsBigInt ? BigInt(str3) : parseInt(str3, 10),
        stringify: ({ value }) => intIdentify(value) ? value.toString() : JSON.stringify(value)
      },
      {
        identify: (value) => typeof value === "number",
        default: true,
        tag: "tag:yaml.org,2002:float",
        test: /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$/,
        resolve: (str3) => parseFloat(str3),
        stringify: stringifyJSON
      }
    ];
    var jsonError = {
      default: true,
      tag: "",
      test: /^/,
      resolve(str3, onError) {
        onError(`Unresolved plain scalar ${JSON.stringify(str3)}`);
        return str3;
      }
    };
    var schema = [map.map, seq.seq].concat(jsonScalars, jsonError);
    exports.schema = schema;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/binary.js
var require_binary = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/binary.js"(exports) {
    "use strict";
    var node_buffer = __require("buffer");
    var Scalar = require_Scalar();
    var stringifyString = require_stringifyString();
    var binary = {
      identify: (value) => value instanceof Uint8Array,
      // Buffer inherits from Uint8Array
      default: false,
      tag: "tag:yaml.org,2002:binary",
      /**
       * Returns a Buffer in node and an Uint8Array in browsers
       *
       * To use the resulting buffer as an image, you'll want to do something like:
       *
       *   const blob = new Blob([buffer], { type: 'image/jpeg' })
       *   document.querySelector('#photo').src = URL.createObjectURL(blob)
       */
      resolve(src, onError) {
        if (typeof node_buffer.Buffer === "function") {
          return node_buffer.Buffer.from(src, "base64");
        } else if (typeof atob === "function") {
          const str3 = atob(src.replace(/[\n\r]/g, ""));
          const buffer = new Uint8Array(str3.length);
          for (let i = 0; i < str3.length; ++i)
            buffer[i] = str3.charCodeAt(i);
          return buffer;
        } else {
          onError("This environment does not support reading binary tags; either Buffer or atob is required");
          return src;
        }
      },
      stringify({ comment, type, value }, ctx, onComment, onChompKeep) {
        if (!value)
          return "";
        const buf = value;
        let str3;
        if (typeof node_buffer.Buffer === "function") {
          str3 = buf instanceof node_buffer.Buffer ? buf.toString("base64") : node_buffer.Buffer.from(buf.buffer).toString("base64");
        } else if (typeof btoa === "function") {
          let s = "";
          for (let i = 0; i < buf.length; ++i)
            s += String.fromCharCode(buf[i]);
          str3 = btoa(s);
        } else {
          throw new Error("This environment does not support writing binary tags; either Buffer or btoa is required");
        }
        type ?? (type = Scalar.Scalar.BLOCK_LITERAL);
        if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
          const lineWidth = Math.max(ctx.options.lineWidth - ctx.indent.length, ctx.options.minContentWidth);
          const n = Math.ceil(str3.length / lineWidth);
          const lines = new Array(n);
          for (let i = 0, o = 0; i < n; ++i, o += lineWidth) {
            lines[i] = str3.substr(o, lineWidth);
          }
          str3 = lines.join(type === Scalar.Scalar.BLOCK_LITERAL ? "\n" : " ");
        }
        return stringifyString.stringifyString({ comment, type, value: str3 }, ctx, onComment, onChompKeep);
      }
    };
    exports.binary = binary;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/pairs.js
var require_pairs = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/pairs.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Pair = require_Pair();
    var Scalar = require_Scalar();
    var YAMLSeq = require_YAMLSeq();
    function resolvePairs(seq, onError) {
      if (identity.isSeq(seq)) {
        for (let i = 0; i < seq.items.length; ++i) {
          let item = seq.items[i];
          if (identity.isPair(item))
            continue;
          else if (identity.isMap(item)) {
            if (item.items.length > 1)
              onError("Each pair must have its own sequence indicator");
            const pair = item.items[0] || new Pair.Pair(new Scalar.Scalar(null));
            if (item.commentBefore)
              pair.key.commentBefore = pair.key.commentBefore ? `${item.commentBefore}
${pair.key.commentBefore}` : item.commentBefore;
            if (item.comment) {
              const cn = pair.value ?? pair.key;
              cn.comment = cn.comment ? `${item.comment}
${cn.comment}` : item.comment;
            }
            item = pair;
          }
          seq.items[i] = identity.isPair(item) ? item : new Pair.Pair(item);
        }
      } else
        onError("Expected a sequence for this tag");
      return seq;
    }
    function createPairs(schema, iterable, ctx) {
      const { replacer } = ctx;
      const pairs2 = new YAMLSeq.YAMLSeq(schema);
      pairs2.tag = "tag:yaml.org,2002:pairs";
      let i = 0;
      if (iterable && Symbol.iterator in Object(iterable))
        for (let it of iterable) {
          if (typeof replacer === "function")
            it = replacer.call(iterable, String(i++), it);
          let key, value;
          if (Array.isArray(it)) {
            if (it.length === 2) {
              key = it[0];
              value = it[1];
            } else
              throw new TypeError(`Expected [key, value] tuple: ${it}`);
          } else if (it && it instanceof Object) {
            const keys = Object.keys(it);
            if (keys.length === 1) {
              key = keys[0];
              value = it[key];
            } else {
              throw new TypeError(`Expected tuple with one key, not ${keys.length} keys`);
            }
          } else {
            key = it;
          }
          pairs2.items.push(Pair.createPair(key, value, ctx));
        }
      return pairs2;
    }
    var pairs = {
      collection: "seq",
      default: false,
      tag: "tag:yaml.org,2002:pairs",
      resolve: resolvePairs,
      createNode: createPairs
    };
    exports.createPairs = createPairs;
    exports.pairs = pairs;
    exports.resolvePairs = resolvePairs;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/omap.js
var require_omap = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/omap.js"(exports) {
    "use strict";
    var identity = require_identity();
    var toJS = require_toJS();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var pairs = require_pairs();
    var YAMLOMap = class _YAMLOMap extends YAMLSeq.YAMLSeq {
      constructor() {
        super();
        this.add = YAMLMap.YAMLMap.prototype.add.bind(this);
        this.delete = YAMLMap.YAMLMap.prototype.delete.bind(this);
        this.get = YAMLMap.YAMLMap.prototype.get.bind(this);
        this.has = YAMLMap.YAMLMap.prototype.has.bind(this);
        this.set = YAMLMap.YAMLMap.prototype.set.bind(this);
        this.tag = _YAMLOMap.tag;
      }
      /**
       * If `ctx` is given, the return type is actually `Map<unknown, unknown>`,
       * but TypeScript won't allow widening the signature of a child method.
       */
      toJSON(_, ctx) {
        if (!ctx)
          return super.toJSON(_);
        const map = /* @__PURE__ */ new Map();
        if (ctx?.onCreate)
          ctx.onCreate(map);
        for (const pair of this.items) {
          let key, value;
          if (identity.isPair(pair)) {
            key = toJS.toJS(pair.key, "", ctx);
            value = toJS.toJS(pair.value, key, ctx);
          } else {
            key = toJS.toJS(pair, "", ctx);
          }
          if (map.has(key))
            throw new Error("Ordered maps must not include duplicate keys");
          map.set(key, value);
        }
        return map;
      }
      static from(schema, iterable, ctx) {
        const pairs$1 = pairs.createPairs(schema, iterable, ctx);
        const omap2 = new this();
        omap2.items = pairs$1.items;
        return omap2;
      }
    };
    YAMLOMap.tag = "tag:yaml.org,2002:omap";
    var omap = {
      collection: "seq",
      identify: (value) => value instanceof Map,
      nodeClass: YAMLOMap,
      default: false,
      tag: "tag:yaml.org,2002:omap",
      resolve(seq, onError) {
        const pairs$1 = pairs.resolvePairs(seq, onError);
        const seenKeys = [];
        for (const { key } of pairs$1.items) {
          if (identity.isScalar(key)) {
            if (seenKeys.includes(key.value)) {
              onError(`Ordered maps must not include duplicate keys: ${key.value}`);
            } else {
              seenKeys.push(key.value);
            }
          }
        }
        return Object.assign(new YAMLOMap(), pairs$1);
      },
      createNode: (schema, iterable, ctx) => YAMLOMap.from(schema, iterable, ctx)
    };
    exports.YAMLOMap = YAMLOMap;
    exports.omap = omap;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/bool.js
var require_bool2 = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/bool.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    function boolStringify({ value, source }, ctx) {
      const boolObj = value ? trueTag : falseTag;
      if (source && boolObj.test.test(source))
        return source;
      return value ? ctx.options.trueStr : ctx.options.falseStr;
    }
    var trueTag = {
      identify: (value) => value === true,
      default: true,
      tag: "tag:yaml.org,2002:bool",
      test: /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
      resolve: () => new Scalar.Scalar(true),
      stringify: boolStringify
    };
    var falseTag = {
      identify: (value) => value === false,
      default: true,
      tag: "tag:yaml.org,2002:bool",
      test: /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
      resolve: () => new Scalar.Scalar(false),
      stringify: boolStringify
    };
    exports.falseTag = falseTag;
    exports.trueTag = trueTag;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/float.js
var require_float2 = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/float.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var stringifyNumber = require_stringifyNumber();
    var floatNaN = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
      resolve: (str3) => str3.slice(-3).toLowerCase() === "nan" ? NaN : str3[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
      stringify: stringifyNumber.stringifyNumber
    };
    var floatExp = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      format: "EXP",
      test: /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
      resolve: (str3) => parseFloat(str3.replace(/_/g, "")),
      stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
      }
    };
    var float = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
      resolve(str3) {
        const node = new Scalar.Scalar(parseFloat(str3.replace(/_/g, "")));
        const dot = str3.indexOf(".");
        if (dot !== -1) {
          const f = str3.substring(dot + 1).replace(/_/g, "");
          if (f[f.length - 1] === "0")
            node.minFractionDigits = f.length;
        }
        return node;
      },
      stringify: stringifyNumber.stringifyNumber
    };
    exports.float = float;
    exports.floatExp = floatExp;
    exports.floatNaN = floatNaN;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/int.js
var require_int2 = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/int.js"(exports) {
    "use strict";
    var stringifyNumber = require_stringifyNumber();
    var intIdentify = (value) => typeof value === "bigint" || Number.isInteger(value);
    function intResolve(str3, offset, radix, { intAsBigInt }) {
      const sign = str3[0];
      if (sign === "-" || sign === "+")
        offset += 1;
      str3 = str3.substring(offset).replace(/_/g, "");
      if (intAsBigInt) {
        switch (radix) {
          case 2:
            str3 = `0b${str3}`;
            break;
          case 8:
            str3 = `0o${str3}`;
            break;
          case 16:
            str3 = `0x${str3}`;
            break;
        }
        const n2 = BigInt(str3);
        return sign === "-" ? BigInt(-1) * n2 : n2;
      }
      const n = parseInt(str3, radix);
      return sign === "-" ? -1 * n : n;
    }
    function intStringify(node, radix, prefix) {
      const { value } = node;
      if (intIdentify(value)) {
        const str3 = value.toString(radix);
        return value < 0 ? "-" + prefix + str3.substr(1) : prefix + str3;
      }
      return stringifyNumber.stringifyNumber(node);
    }
    var intBin = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "BIN",
      test: /^[-+]?0b[0-1_]+$/,
      resolve: (str3, _onError, opt) => intResolve(str3, 2, 2, opt),
      stringify: (node) => intStringify(node, 2, "0b")
    };
    var intOct = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "OCT",
      test: /^[-+]?0[0-7_]+$/,
      resolve: (str3, _onError, opt) => intResolve(str3, 1, 8, opt),
      stringify: (node) => intStringify(node, 8, "0")
    };
    var int = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      test: /^[-+]?[0-9][0-9_]*$/,
      resolve: (str3, _onError, opt) => intResolve(str3, 0, 10, opt),
      stringify: stringifyNumber.stringifyNumber
    };
    var intHex = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "HEX",
      test: /^[-+]?0x[0-9a-fA-F_]+$/,
      resolve: (str3, _onError, opt) => intResolve(str3, 2, 16, opt),
      stringify: (node) => intStringify(node, 16, "0x")
    };
    exports.int = int;
    exports.intBin = intBin;
    exports.intHex = intHex;
    exports.intOct = intOct;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/set.js
var require_set = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/set.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Pair = require_Pair();
    var YAMLMap = require_YAMLMap();
    var YAMLSet = class _YAMLSet extends YAMLMap.YAMLMap {
      constructor(schema) {
        super(schema);
        this.tag = _YAMLSet.tag;
      }
      add(key) {
        let pair;
        if (identity.isPair(key))
          pair = key;
        else if (key && typeof key === "object" && "key" in key && "value" in key && key.value === null)
          pair = new Pair.Pair(key.key, null);
        else
          pair = new Pair.Pair(key, null);
        const prev = YAMLMap.findPair(this.items, pair.key);
        if (!prev)
          this.items.push(pair);
      }
      /**
       * If `keepPair` is `true`, returns the Pair matching `key`.
       * Otherwise, returns the value of that Pair's key.
       */
      get(key, keepPair) {
        const pair = YAMLMap.findPair(this.items, key);
        return !keepPair && identity.isPair(pair) ? identity.isScalar(pair.key) ? pair.key.value : pair.key : pair;
      }
      set(key, value) {
        if (typeof value !== "boolean")
          throw new Error(`Expected boolean value for set(key, value) in a YAML set, not ${typeof value}`);
        const prev = YAMLMap.findPair(this.items, key);
        if (prev && !value) {
          this.items.splice(this.items.indexOf(prev), 1);
        } else if (!prev && value) {
          this.items.push(new Pair.Pair(key));
        }
      }
      toJSON(_, ctx) {
        return super.toJSON(_, ctx, Set);
      }
      toString(ctx, onComment, onChompKeep) {
        if (!ctx)
          return JSON.stringify(this);
        if (this.hasAllNullValues(true))
          return super.toString(Object.assign({}, ctx, { allNullValues: true }), onComment, onChompKeep);
        else
          throw new Error("Set items must all have null values");
      }
      static from(schema, iterable, ctx) {
        const { replacer } = ctx;
        const set2 = new this(schema);
        if (iterable && Symbol.iterator in Object(iterable))
          for (let value of iterable) {
            if (typeof replacer === "function")
              value = replacer.call(iterable, value, value);
            set2.items.push(Pair.createPair(value, null, ctx));
          }
        return set2;
      }
    };
    YAMLSet.tag = "tag:yaml.org,2002:set";
    var set = {
      collection: "map",
      identify: (value) => value instanceof Set,
      nodeClass: YAMLSet,
      default: false,
      tag: "tag:yaml.org,2002:set",
      createNode: (schema, iterable, ctx) => YAMLSet.from(schema, iterable, ctx),
      resolve(map, onError) {
        if (identity.isMap(map)) {
          if (map.hasAllNullValues(true))
            return Object.assign(new YAMLSet(), map);
          else
            onError("Set items must all have null values");
        } else
          onError("Expected a mapping for this tag");
        return map;
      }
    };
    exports.YAMLSet = YAMLSet;
    exports.set = set;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/timestamp.js
var require_timestamp = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/timestamp.js"(exports) {
    "use strict";
    var stringifyNumber = require_stringifyNumber();
    function parseSexagesimal(str3, asBigInt) {
      const sign = str3[0];
      const parts = sign === "-" || sign === "+" ? str3.substring(1) : str3;
      const num = (n) => asBigInt ? BigInt(n) : Number(n);
      const res = parts.replace(/_/g, "").split(":").reduce((res2, p) => res2 * num(60) + num(p), num(0));
      return sign === "-" ? num(-1) * res : res;
    }
    function stringifySexagesimal(node) {
      let { value } = node;
      let num = (n) => n;
      if (typeof value === "bigint")
        num = (n) => BigInt(n);
      else if (isNaN(value) || !isFinite(value))
        return stringifyNumber.stringifyNumber(node);
      let sign = "";
      if (value < 0) {
        sign = "-";
        value *= num(-1);
      }
      const _60 = num(60);
      const parts = [value % _60];
      if (value < 60) {
        parts.unshift(0);
      } else {
        value = (value - parts[0]) / _60;
        parts.unshift(value % _60);
        if (value >= 60) {
          value = (value - parts[0]) / _60;
          parts.unshift(value);
        }
      }
      return sign + parts.map((n) => String(n).padStart(2, "0")).join(":").replace(/000000\d*$/, "");
    }
    var intTime = {
      identify: (value) => typeof value === "bigint" || Number.isInteger(value),
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "TIME",
      test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
      resolve: (str3, _onError, { intAsBigInt }) => parseSexagesimal(str3, intAsBigInt),
      stringify: stringifySexagesimal
    };
    var floatTime = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      format: "TIME",
      test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
      resolve: (str3) => parseSexagesimal(str3, false),
      stringify: stringifySexagesimal
    };
    var timestamp = {
      identify: (value) => value instanceof Date,
      default: true,
      tag: "tag:yaml.org,2002:timestamp",
      // If the time zone is omitted, the timestamp is assumed to be specified in UTC. The time part
      // may be omitted altogether, resulting in a date format. In such a case, the time part is
      // assumed to be 00:00:00Z (start of day, UTC).
      test: RegExp("^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \\t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$"),
      resolve(str3) {
        const match = str3.match(timestamp.test);
        if (!match)
          throw new Error("!!timestamp expects a date, starting with yyyy-mm-dd");
        const [, year, month, day, hour, minute, second] = match.map(Number);
        const millisec = match[7] ? Number((match[7] + "00").substr(1, 3)) : 0;
        let date = Date.UTC(year, month - 1, day, hour || 0, minute || 0, second || 0, millisec);
        const tz = match[8];
        if (tz && tz !== "Z") {
          let d = parseSexagesimal(tz, false);
          if (Math.abs(d) < 30)
            d *= 60;
          date -= 6e4 * d;
        }
        return new Date(date);
      },
      stringify: ({ value }) => value?.toISOString().replace(/(T00:00:00)?\.000Z$/, "") ?? ""
    };
    exports.floatTime = floatTime;
    exports.intTime = intTime;
    exports.timestamp = timestamp;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/schema.js
var require_schema3 = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/schema.js"(exports) {
    "use strict";
    var map = require_map();
    var _null = require_null();
    var seq = require_seq();
    var string = require_string();
    var binary = require_binary();
    var bool = require_bool2();
    var float = require_float2();
    var int = require_int2();
    var merge = require_merge();
    var omap = require_omap();
    var pairs = require_pairs();
    var set = require_set();
    var timestamp = require_timestamp();
    var schema = [
      map.map,
      seq.seq,
      string.string,
      _null.nullTag,
      bool.trueTag,
      bool.falseTag,
      int.intBin,
      int.intOct,
      int.int,
      int.intHex,
      float.floatNaN,
      float.floatExp,
      float.float,
      binary.binary,
      merge.merge,
      omap.omap,
      pairs.pairs,
      set.set,
      timestamp.intTime,
      timestamp.floatTime,
      timestamp.timestamp
    ];
    exports.schema = schema;
  }
});

// node_modules/yaml/dist/schema/tags.js
var require_tags = __commonJS({
  "node_modules/yaml/dist/schema/tags.js"(exports) {
    "use strict";
    var map = require_map();
    var _null = require_null();
    var seq = require_seq();
    var string = require_string();
    var bool = require_bool();
    var float = require_float();
    var int = require_int();
    var schema = require_schema();
    var schema$1 = require_schema2();
    var binary = require_binary();
    var merge = require_merge();
    var omap = require_omap();
    var pairs = require_pairs();
    var schema$2 = require_schema3();
    var set = require_set();
    var timestamp = require_timestamp();
    var schemas = /* @__PURE__ */ new Map([
      ["core", schema.schema],
      ["failsafe", [map.map, seq.seq, string.string]],
      ["json", schema$1.schema],
      ["yaml11", schema$2.schema],
      ["yaml-1.1", schema$2.schema]
    ]);
    var tagsByName = {
      binary: binary.binary,
      bool: bool.boolTag,
      float: float.float,
      floatExp: float.floatExp,
      floatNaN: float.floatNaN,
      floatTime: timestamp.floatTime,
      int: int.int,
      intHex: int.intHex,
      intOct: int.intOct,
      intTime: timestamp.intTime,
      map: map.map,
      merge: merge.merge,
      null: _null.nullTag,
      omap: omap.omap,
      pairs: pairs.pairs,
      seq: seq.seq,
      set: set.set,
      timestamp: timestamp.timestamp
    };
    var coreKnownTags = {
      "tag:yaml.org,2002:binary": binary.binary,
      "tag:yaml.org,2002:merge": merge.merge,
      "tag:yaml.org,2002:omap": omap.omap,
      "tag:yaml.org,2002:pairs": pairs.pairs,
      "tag:yaml.org,2002:set": set.set,
      "tag:yaml.org,2002:timestamp": timestamp.timestamp
    };
    function getTags(customTags, schemaName, addMergeTag) {
      const schemaTags = schemas.get(schemaName);
      if (schemaTags && !customTags) {
        return addMergeTag && !schemaTags.includes(merge.merge) ? schemaTags.concat(merge.merge) : schemaTags.slice();
      }
      let tags = schemaTags;
      if (!tags) {
        if (Array.isArray(customTags))
          tags = [];
        else {
          const keys = Array.from(schemas.keys()).filter((key) => key !== "yaml11").map((key) => JSON.stringify(key)).join(", ");
          throw new Error(`Unknown schema "${schemaName}"; use one of ${keys} or define customTags array`);
        }
      }
      if (Array.isArray(customTags)) {
        for (const tag of customTags)
          tags = tags.concat(tag);
      } else if (typeof customTags === "function") {
        tags = customTags(tags.slice());
      }
      if (addMergeTag)
        tags = tags.concat(merge.merge);
      return tags.reduce((tags2, tag) => {
        const tagObj = typeof tag === "string" ? tagsByName[tag] : tag;
        if (!tagObj) {
          const tagName = JSON.stringify(tag);
          const keys = Object.keys(tagsByName).map((key) => JSON.stringify(key)).join(", ");
          throw new Error(`Unknown custom tag ${tagName}; use one of ${keys}`);
        }
        if (!tags2.includes(tagObj))
          tags2.push(tagObj);
        return tags2;
      }, []);
    }
    exports.coreKnownTags = coreKnownTags;
    exports.getTags = getTags;
  }
});

// node_modules/yaml/dist/schema/Schema.js
var require_Schema = __commonJS({
  "node_modules/yaml/dist/schema/Schema.js"(exports) {
    "use strict";
    var identity = require_identity();
    var map = require_map();
    var seq = require_seq();
    var string = require_string();
    var tags = require_tags();
    var sortMapEntriesByKey = (a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    var Schema = class _Schema {
      constructor({ compat, customTags, merge, resolveKnownTags, schema, sortMapEntries, toStringDefaults }) {
        this.compat = Array.isArray(compat) ? tags.getTags(compat, "compat") : compat ? tags.getTags(null, compat) : null;
        this.name = typeof schema === "string" && schema || "core";
        this.knownTags = resolveKnownTags ? tags.coreKnownTags : {};
        this.tags = tags.getTags(customTags, this.name, merge);
        this.toStringOptions = toStringDefaults ?? null;
        Object.defineProperty(this, identity.MAP, { value: map.map });
        Object.defineProperty(this, identity.SCALAR, { value: string.string });
        Object.defineProperty(this, identity.SEQ, { value: seq.seq });
        this.sortMapEntries = typeof sortMapEntries === "function" ? sortMapEntries : sortMapEntries === true ? sortMapEntriesByKey : null;
      }
      clone() {
        const copy = Object.create(_Schema.prototype, Object.getOwnPropertyDescriptors(this));
        copy.tags = this.tags.slice();
        return copy;
      }
    };
    exports.Schema = Schema;
  }
});

// node_modules/yaml/dist/stringify/stringifyDocument.js
var require_stringifyDocument = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyDocument.js"(exports) {
    "use strict";
    var identity = require_identity();
    var stringify = require_stringify();
    var stringifyComment = require_stringifyComment();
    function stringifyDocument(doc, options2) {
      const lines = [];
      let hasDirectives = options2.directives === true;
      if (options2.directives !== false && doc.directives) {
        const dir = doc.directives.toString(doc);
        if (dir) {
          lines.push(dir);
          hasDirectives = true;
        } else if (doc.directives.docStart)
          hasDirectives = true;
      }
      if (hasDirectives)
        lines.push("---");
      const ctx = stringify.createStringifyContext(doc, options2);
      const { commentString } = ctx.options;
      if (doc.commentBefore) {
        if (lines.length !== 1)
          lines.unshift("");
        const cs = commentString(doc.commentBefore);
        lines.unshift(stringifyComment.indentComment(cs, ""));
      }
      let chompKeep = false;
      let contentComment = null;
      if (doc.contents) {
        if (identity.isNode(doc.contents)) {
          if (doc.contents.spaceBefore && hasDirectives)
            lines.push("");
          if (doc.contents.commentBefore) {
            const cs = commentString(doc.contents.commentBefore);
            lines.push(stringifyComment.indentComment(cs, ""));
          }
          ctx.forceBlockIndent = !!doc.comment;
          contentComment = doc.contents.comment;
        }
        const onChompKeep = contentComment ? void 0 : () => chompKeep = true;
        let body = stringify.stringify(doc.contents, ctx, () => contentComment = null, onChompKeep);
        if (contentComment)
          body += stringifyComment.lineComment(body, "", commentString(contentComment));
        if ((body[0] === "|" || body[0] === ">") && lines[lines.length - 1] === "---") {
          lines[lines.length - 1] = `--- ${body}`;
        } else
          lines.push(body);
      } else {
        lines.push(stringify.stringify(doc.contents, ctx));
      }
      if (doc.directives?.docEnd) {
        if (doc.comment) {
          const cs = commentString(doc.comment);
          if (cs.includes("\n")) {
            lines.push("...");
            lines.push(stringifyComment.indentComment(cs, ""));
          } else {
            lines.push(`... ${cs}`);
          }
        } else {
          lines.push("...");
        }
      } else {
        let dc = doc.comment;
        if (dc && chompKeep)
          dc = dc.replace(/^\n+/, "");
        if (dc) {
          if ((!chompKeep || contentComment) && lines[lines.length - 1] !== "")
            lines.push("");
          lines.push(stringifyComment.indentComment(commentString(dc), ""));
        }
      }
      return lines.join("\n") + "\n";
    }
    exports.stringifyDocument = stringifyDocument;
  }
});

// node_modules/yaml/dist/doc/Document.js
var require_Document = __commonJS({
  "node_modules/yaml/dist/doc/Document.js"(exports) {
    "use strict";
    var Alias = require_Alias();
    var Collection = require_Collection();
    var identity = require_identity();
    var Pair = require_Pair();
    var toJS = require_toJS();
    var Schema = require_Schema();
    var stringifyDocument = require_stringifyDocument();
    var anchors = require_anchors();
    var applyReviver = require_applyReviver();
    var createNode = require_createNode();
    var directives = require_directives();
    var Document = class _Document {
      constructor(value, replacer, options2) {
        this.commentBefore = null;
        this.comment = null;
        this.errors = [];
        this.warnings = [];
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.DOC });
        let _replacer = null;
        if (typeof replacer === "function" || Array.isArray(replacer)) {
          _replacer = replacer;
        } else if (options2 === void 0 && replacer) {
          options2 = replacer;
          replacer = void 0;
        }
        const opt = Object.assign({
          intAsBigInt: false,
          keepSourceTokens: false,
          logLevel: "warn",
          prettyErrors: true,
          strict: true,
          stringKeys: false,
          uniqueKeys: true,
          version: "1.2"
        }, options2);
        this.options = opt;
        let { version } = opt;
        if (options2?._directives) {
          this.directives = options2._directives.atDocument();
          if (this.directives.yaml.explicit)
            version = this.directives.yaml.version;
        } else
          this.directives = new directives.Directives({ version });
        this.setSchema(version, options2);
        this.contents = value === void 0 ? null : this.createNode(value, _replacer, options2);
      }
      /**
       * Create a deep copy of this Document and its contents.
       *
       * Custom Node values that inherit from `Object` still refer to their original instances.
       */
      clone() {
        const copy = Object.create(_Document.prototype, {
          [identity.NODE_TYPE]: { value: identity.DOC }
        });
        copy.commentBefore = this.commentBefore;
        copy.comment = this.comment;
        copy.errors = this.errors.slice();
        copy.warnings = this.warnings.slice();
        copy.options = Object.assign({}, this.options);
        if (this.directives)
          copy.directives = this.directives.clone();
        copy.schema = this.schema.clone();
        copy.contents = identity.isNode(this.contents) ? this.contents.clone(copy.schema) : this.contents;
        if (this.range)
          copy.range = this.range.slice();
        return copy;
      }
      /** Adds a value to the document. */
      add(value) {
        if (assertCollection(this.contents))
          this.contents.add(value);
      }
      /** Adds a value to the document. */
      addIn(path, value) {
        if (assertCollection(this.contents))
          this.contents.addIn(path, value);
      }
      /**
       * Create a new `Alias` node, ensuring that the target `node` has the required anchor.
       *
       * If `node` already has an anchor, `name` is ignored.
       * Otherwise, the `node.anchor` value will be set to `name`,
       * or if an anchor with that name is already present in the document,
       * `name` will be used as a prefix for a new unique anchor.
       * If `name` is undefined, the generated anchor will use 'a' as a prefix.
       */
      createAlias(node, name) {
        if (!node.anchor) {
          const prev = anchors.anchorNames(this);
          node.anchor = // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
          !name || prev.has(name) ? anchors.findNewAnchor(name || "a", prev) : name;
        }
        return new Alias.Alias(node.anchor);
      }
      createNode(value, replacer, options2) {
        let _replacer = void 0;
        if (typeof replacer === "function") {
          value = replacer.call({ "": value }, "", value);
          _replacer = replacer;
        } else if (Array.isArray(replacer)) {
          const keyToStr = (v) => typeof v === "number" || v instanceof String || v instanceof Number;
          const asStr = replacer.filter(keyToStr).map(String);
          if (asStr.length > 0)
            replacer = replacer.concat(asStr);
          _replacer = replacer;
        } else if (options2 === void 0 && replacer) {
          options2 = replacer;
          replacer = void 0;
        }
        const { aliasDuplicateObjects, anchorPrefix, flow, keepUndefined, onTagObj, tag } = options2 ?? {};
        const { onAnchor, setAnchors, sourceObjects } = anchors.createNodeAnchors(
          this,
          // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
          anchorPrefix || "a"
        );
        const ctx = {
          aliasDuplicateObjects: aliasDuplicateObjects ?? true,
          keepUndefined: keepUndefined ?? false,
          onAnchor,
          onTagObj,
          replacer: _replacer,
          schema: this.schema,
          sourceObjects
        };
        const node = createNode.createNode(value, tag, ctx);
        if (flow && identity.isCollection(node))
          node.flow = true;
        setAnchors();
        return node;
      }
      /**
       * Convert a key and a value into a `Pair` using the current schema,
       * recursively wrapping all values as `Scalar` or `Collection` nodes.
       */
      createPair(key, value, options2 = {}) {
        const k = this.createNode(key, null, options2);
        const v = this.createNode(value, null, options2);
        return new Pair.Pair(k, v);
      }
      /**
       * Removes a value from the document.
       * @returns `true` if the item was found and removed.
       */
      delete(key) {
        return assertCollection(this.contents) ? this.contents.delete(key) : false;
      }
      /**
       * Removes a value from the document.
       * @returns `true` if the item was found and removed.
       */
      deleteIn(path) {
        if (Collection.isEmptyPath(path)) {
          if (this.contents == null)
            return false;
          this.contents = null;
          return true;
        }
        return assertCollection(this.contents) ? this.contents.deleteIn(path) : false;
      }
      /**
       * Returns item at `key`, or `undefined` if not found. By default unwraps
       * scalar values from their surrounding node; to disable set `keepScalar` to
       * `true` (collections are always returned intact).
       */
      get(key, keepScalar) {
        return identity.isCollection(this.contents) ? this.contents.get(key, keepScalar) : void 0;
      }
      /**
       * Returns item at `path`, or `undefined` if not found. By default unwraps
       * scalar values from their surrounding node; to disable set `keepScalar` to
       * `true` (collections are always returned intact).
       */
      getIn(path, keepScalar) {
        if (Collection.isEmptyPath(path))
          return !keepScalar && identity.isScalar(this.contents) ? this.contents.value : this.contents;
        return identity.isCollection(this.contents) ? this.contents.getIn(path, keepScalar) : void 0;
      }
      /**
       * Checks if the document includes a value with the key `key`.
       */
      has(key) {
        return identity.isCollection(this.contents) ? this.contents.has(key) : false;
      }
      /**
       * Checks if the document includes a value at `path`.
       */
      hasIn(path) {
        if (Collection.isEmptyPath(path))
          return this.contents !== void 0;
        return identity.isCollection(this.contents) ? this.contents.hasIn(path) : false;
      }
      /**
       * Sets a value in this document. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       */
      set(key, value) {
        if (this.contents == null) {
          this.contents = Collection.collectionFromPath(this.schema, [key], value);
        } else if (assertCollection(this.contents)) {
          this.contents.set(key, value);
        }
      }
      /**
       * Sets a value in this document. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       */
      setIn(path, value) {
        if (Collection.isEmptyPath(path)) {
          this.contents = value;
        } else if (this.contents == null) {
          this.contents = Collection.collectionFromPath(this.schema, Array.from(path), value);
        } else if (assertCollection(this.contents)) {
          this.contents.setIn(path, value);
        }
      }
      /**
       * Change the YAML version and schema used by the document.
       * A `null` version disables support for directives, explicit tags, anchors, and aliases.
       * It also requires the `schema` option to be given as a `Schema` instance value.
       *
       * Overrides all previously set schema options.
       */
      setSchema(version, options2 = {}) {
        if (typeof version === "number")
          version = String(version);
        let opt;
        switch (version) {
          case "1.1":
            if (this.directives)
              this.directives.yaml.version = "1.1";
            else
              this.directives = new directives.Directives({ version: "1.1" });
            opt = { resolveKnownTags: false, schema: "yaml-1.1" };
            break;
          case "1.2":
          case "next":
            if (this.directives)
              this.directives.yaml.version = version;
            else
              this.directives = new directives.Directives({ version });
            opt = { resolveKnownTags: true, schema: "core" };
            break;
          case null:
            if (this.directives)
              delete this.directives;
            opt = null;
            break;
          default: {
            const sv = JSON.stringify(version);
            throw new Error(`Expected '1.1', '1.2' or null as first argument, but found: ${sv}`);
          }
        }
        if (options2.schema instanceof Object)
          this.schema = options2.schema;
        else if (opt)
          this.schema = new Schema.Schema(Object.assign(opt, options2));
        else
          throw new Error(`With a null YAML version, the { schema: Schema } option is required`);
      }
      // json & jsonArg are only used from toJSON()
      toJS({ json, jsonArg, mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        const ctx = {
          anchors: /* @__PURE__ */ new Map(),
          doc: this,
          keep: !json,
          mapAsMap: mapAsMap === true,
          mapKeyWarned: false,
          maxAliasCount: typeof maxAliasCount === "number" ? maxAliasCount : 100
        };
        const res = toJS.toJS(this.contents, jsonArg ?? "", ctx);
        if (typeof onAnchor === "function")
          for (const { count, res: res2 } of ctx.anchors.values())
            onAnchor(res2, count);
        return typeof reviver === "function" ? applyReviver.applyReviver(reviver, { "": res }, "", res) : res;
      }
      /**
       * A JSON representation of the document `contents`.
       *
       * @param jsonArg Used by `JSON.stringify` to indicate the array index or
       *   property name.
       */
      toJSON(jsonArg, onAnchor) {
        return this.toJS({ json: true, jsonArg, mapAsMap: false, onAnchor });
      }
      /** A YAML representation of the document. */
      toString(options2 = {}) {
        if (this.errors.length > 0)
          throw new Error("Document with errors cannot be stringified");
        if ("indent" in options2 && (!Number.isInteger(options2.indent) || Number(options2.indent) <= 0)) {
          const s = JSON.stringify(options2.indent);
          throw new Error(`"indent" option must be a positive integer, not ${s}`);
        }
        return stringifyDocument.stringifyDocument(this, options2);
      }
    };
    function assertCollection(contents) {
      if (identity.isCollection(contents))
        return true;
      throw new Error("Expected a YAML collection as document contents");
    }
    exports.Document = Document;
  }
});

// node_modules/yaml/dist/errors.js
var require_errors = __commonJS({
  "node_modules/yaml/dist/errors.js"(exports) {
    "use strict";
    var YAMLError = class extends Error {
      constructor(name, pos, code, message2) {
        super();
        this.name = name;
        this.code = code;
        this.message = message2;
        this.pos = pos;
      }
    };
    var YAMLParseError = class extends YAMLError {
      constructor(pos, code, message2) {
        super("YAMLParseError", pos, code, message2);
      }
    };
    var YAMLWarning = class extends YAMLError {
      constructor(pos, code, message2) {
        super("YAMLWarning", pos, code, message2);
      }
    };
    var prettifyError = (src, lc) => (error) => {
      if (error.pos[0] === -1)
        return;
      error.linePos = error.pos.map((pos) => lc.linePos(pos));
      const { line, col } = error.linePos[0];
      error.message += ` at line ${line}, column ${col}`;
      let ci = col - 1;
      let lineStr = src.substring(lc.lineStarts[line - 1], lc.lineStarts[line]).replace(/[\n\r]+$/, "");
      if (ci >= 60 && lineStr.length > 80) {
        const trimStart = Math.min(ci - 39, lineStr.length - 79);
        lineStr = "\u2026" + lineStr.substring(trimStart);
        ci -= trimStart - 1;
      }
      if (lineStr.length > 80)
        lineStr = lineStr.substring(0, 79) + "\u2026";
      if (line > 1 && /^ *$/.test(lineStr.substring(0, ci))) {
        let prev = src.substring(lc.lineStarts[line - 2], lc.lineStarts[line - 1]);
        if (prev.length > 80)
          prev = prev.substring(0, 79) + "\u2026\n";
        lineStr = prev + lineStr;
      }
      if (/[^ ]/.test(lineStr)) {
        let count = 1;
        const end = error.linePos[1];
        if (end?.line === line && end.col > col) {
          count = Math.max(1, Math.min(end.col - col, 80 - ci));
        }
        const pointer = " ".repeat(ci) + "^".repeat(count);
        error.message += `:

${lineStr}
${pointer}
`;
      }
    };
    exports.YAMLError = YAMLError;
    exports.YAMLParseError = YAMLParseError;
    exports.YAMLWarning = YAMLWarning;
    exports.prettifyError = prettifyError;
  }
});

// node_modules/yaml/dist/compose/resolve-props.js
var require_resolve_props = __commonJS({
  "node_modules/yaml/dist/compose/resolve-props.js"(exports) {
    "use strict";
    function resolveProps(tokens, { flow, indicator, next, offset, onError, parentIndent, startOnNewline }) {
      let spaceBefore = false;
      let atNewline = startOnNewline;
      let hasSpace = startOnNewline;
      let comment = "";
      let commentSep = "";
      let hasNewline = false;
      let reqSpace = false;
      let tab = null;
      let anchor = null;
      let tag = null;
      let newlineAfterProp = null;
      let comma = null;
      let found = null;
      let start = null;
      for (const token of tokens) {
        if (reqSpace) {
          if (token.type !== "space" && token.type !== "newline" && token.type !== "comma")
            onError(token.offset, "MISSING_CHAR", "Tags and anchors must be separated from the next token by white space");
          reqSpace = false;
        }
        if (tab) {
          if (atNewline && token.type !== "comment" && token.type !== "newline") {
            onError(tab, "TAB_AS_INDENT", "Tabs are not allowed as indentation");
          }
          tab = null;
        }
        switch (token.type) {
          case "space":
            if (!flow && (indicator !== "doc-start" || next?.type !== "flow-collection") && token.source.includes("	")) {
              tab = token;
            }
            hasSpace = true;
            break;
          case "comment": {
            if (!hasSpace)
              onError(token, "MISSING_CHAR", "Comments must be separated from other tokens by white space characters");
            const cb = token.source.substring(1) || " ";
            if (!comment)
              comment = cb;
            else
              comment += commentSep + cb;
            commentSep = "";
            atNewline = false;
            break;
          }
          case "newline":
            if (atNewline) {
              if (comment)
                comment += token.source;
              else if (!found || indicator !== "seq-item-ind")
                spaceBefore = true;
            } else
              commentSep += token.source;
            atNewline = true;
            hasNewline = true;
            if (anchor || tag)
              newlineAfterProp = token;
            hasSpace = true;
            break;
          case "anchor":
            if (anchor)
              onError(token, "MULTIPLE_ANCHORS", "A node can have at most one anchor");
            if (token.source.endsWith(":"))
              onError(token.offset + token.source.length - 1, "BAD_ALIAS", "Anchor ending in : is ambiguous", true);
            anchor = token;
            start ?? (start = token.offset);
            atNewline = false;
            hasSpace = false;
            reqSpace = true;
            break;
          case "tag": {
            if (tag)
              onError(token, "MULTIPLE_TAGS", "A node can have at most one tag");
            tag = token;
            start ?? (start = token.offset);
            atNewline = false;
            hasSpace = false;
            reqSpace = true;
            break;
          }
          case indicator:
            if (anchor || tag)
              onError(token, "BAD_PROP_ORDER", `Anchors and tags must be after the ${token.source} indicator`);
            if (found)
              onError(token, "UNEXPECTED_TOKEN", `Unexpected ${token.source} in ${flow ?? "collection"}`);
            found = token;
            atNewline = indicator === "seq-item-ind" || indicator === "explicit-key-ind";
            hasSpace = false;
            break;
          case "comma":
            if (flow) {
              if (comma)
                onError(token, "UNEXPECTED_TOKEN", `Unexpected , in ${flow}`);
              comma = token;
              atNewline = false;
              hasSpace = false;
              break;
            }
          // else fallthrough
          default:
            onError(token, "UNEXPECTED_TOKEN", `Unexpected ${token.type} token`);
            atNewline = false;
            hasSpace = false;
        }
      }
      const last = tokens[tokens.length - 1];
      const end = last ? last.offset + last.source.length : offset;
      if (reqSpace && next && next.type !== "space" && next.type !== "newline" && next.type !== "comma" && (next.type !== "scalar" || next.source !== "")) {
        onError(next.offset, "MISSING_CHAR", "Tags and anchors must be separated from the next token by white space");
      }
      if (tab && (atNewline && tab.indent <= parentIndent || next?.type === "block-map" || next?.type === "block-seq"))
        onError(tab, "TAB_AS_INDENT", "Tabs are not allowed as indentation");
      return {
        comma,
        found,
        spaceBefore,
        comment,
        hasNewline,
        anchor,
        tag,
        newlineAfterProp,
        end,
        start: start ?? end
      };
    }
    exports.resolveProps = resolveProps;
  }
});

// node_modules/yaml/dist/compose/util-contains-newline.js
var require_util_contains_newline = __commonJS({
  "node_modules/yaml/dist/compose/util-contains-newline.js"(exports) {
    "use strict";
    function containsNewline(key) {
      if (!key)
        return null;
      switch (key.type) {
        case "alias":
        case "scalar":
        case "double-quoted-scalar":
        case "single-quoted-scalar":
          if (key.source.includes("\n"))
            return true;
          if (key.end) {
            for (const st of key.end)
              if (st.type === "newline")
                return true;
          }
          return false;
        case "flow-collection":
          for (const it of key.items) {
            for (const st of it.start)
              if (st.type === "newline")
                return true;
            if (it.sep) {
              for (const st of it.sep)
                if (st.type === "newline")
                  return true;
            }
            if (containsNewline(it.key) || containsNewline(it.value))
              return true;
          }
          return false;
        default:
          return true;
      }
    }
    exports.containsNewline = containsNewline;
  }
});

// node_modules/yaml/dist/compose/util-flow-indent-check.js
var require_util_flow_indent_check = __commonJS({
  "node_modules/yaml/dist/compose/util-flow-indent-check.js"(exports) {
    "use strict";
    var utilContainsNewline = require_util_contains_newline();
    function flowIndentCheck(indent, fc, onError) {
      if (fc?.type === "flow-collection") {
        const end = fc.end[0];
        if (end.indent === indent && (end.source === "]" || end.source === "}") && utilContainsNewline.containsNewline(fc)) {
          const msg = "Flow end indicator should be more indented than parent";
          onError(end, "BAD_INDENT", msg, true);
        }
      }
    }
    exports.flowIndentCheck = flowIndentCheck;
  }
});

// node_modules/yaml/dist/compose/util-map-includes.js
var require_util_map_includes = __commonJS({
  "node_modules/yaml/dist/compose/util-map-includes.js"(exports) {
    "use strict";
    var identity = require_identity();
    function mapIncludes(ctx, items, search) {
      const { uniqueKeys } = ctx.options;
      if (uniqueKeys === false)
        return false;
      const isEqual = typeof uniqueKeys === "function" ? uniqueKeys : (a, b) => a === b || identity.isScalar(a) && identity.isScalar(b) && a.value === b.value;
      return items.some((pair) => isEqual(pair.key, search));
    }
    exports.mapIncludes = mapIncludes;
  }
});

// node_modules/yaml/dist/compose/resolve-block-map.js
var require_resolve_block_map = __commonJS({
  "node_modules/yaml/dist/compose/resolve-block-map.js"(exports) {
    "use strict";
    var Pair = require_Pair();
    var YAMLMap = require_YAMLMap();
    var resolveProps = require_resolve_props();
    var utilContainsNewline = require_util_contains_newline();
    var utilFlowIndentCheck = require_util_flow_indent_check();
    var utilMapIncludes = require_util_map_includes();
    var startColMsg = "All mapping items must start at the same column";
    function resolveBlockMap({ composeNode, composeEmptyNode }, ctx, bm, onError, tag) {
      const NodeClass = tag?.nodeClass ?? YAMLMap.YAMLMap;
      const map = new NodeClass(ctx.schema);
      if (ctx.atRoot)
        ctx.atRoot = false;
      let offset = bm.offset;
      let commentEnd = null;
      for (const collItem of bm.items) {
        const { start, key, sep, value } = collItem;
        const keyProps = resolveProps.resolveProps(start, {
          indicator: "explicit-key-ind",
          next: key ?? sep?.[0],
          offset,
          onError,
          parentIndent: bm.indent,
          startOnNewline: true
        });
        const implicitKey = !keyProps.found;
        if (implicitKey) {
          if (key) {
            if (key.type === "block-seq")
              onError(offset, "BLOCK_AS_IMPLICIT_KEY", "A block sequence may not be used as an implicit map key");
            else if ("indent" in key && key.indent !== bm.indent)
              onError(offset, "BAD_INDENT", startColMsg);
          }
          if (!keyProps.anchor && !keyProps.tag && !sep) {
            commentEnd = keyProps.end;
            if (keyProps.comment) {
              if (map.comment)
                map.comment += "\n" + keyProps.comment;
              else
                map.comment = keyProps.comment;
            }
            continue;
          }
          if (keyProps.newlineAfterProp || utilContainsNewline.containsNewline(key)) {
            onError(key ?? start[start.length - 1], "MULTILINE_IMPLICIT_KEY", "Implicit keys need to be on a single line");
          }
        } else if (keyProps.found?.indent !== bm.indent) {
          onError(offset, "BAD_INDENT", startColMsg);
        }
        ctx.atKey = true;
        const keyStart = keyProps.end;
        const keyNode = key ? composeNode(ctx, key, keyProps, onError) : composeEmptyNode(ctx, keyStart, start, null, keyProps, onError);
        if (ctx.schema.compat)
          utilFlowIndentCheck.flowIndentCheck(bm.indent, key, onError);
        ctx.atKey = false;
        if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
          onError(keyStart, "DUPLICATE_KEY", "Map keys must be unique");
        const valueProps = resolveProps.resolveProps(sep ?? [], {
          indicator: "map-value-ind",
          next: value,
          offset: keyNode.range[2],
          onError,
          parentIndent: bm.indent,
          startOnNewline: !key || key.type === "block-scalar"
        });
        offset = valueProps.end;
        if (valueProps.found) {
          if (implicitKey) {
            if (value?.type === "block-map" && !valueProps.hasNewline)
              onError(offset, "BLOCK_AS_IMPLICIT_KEY", "Nested mappings are not allowed in compact mappings");
            if (ctx.options.strict && keyProps.start < valueProps.found.offset - 1024)
              onError(keyNode.range, "KEY_OVER_1024_CHARS", "The : indicator must be at most 1024 chars after the start of an implicit block mapping key");
          }
          const valueNode = value ? composeNode(ctx, value, valueProps, onError) : composeEmptyNode(ctx, offset, sep, null, valueProps, onError);
          if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bm.indent, value, onError);
          offset = valueNode.range[2];
          const pair = new Pair.Pair(keyNode, valueNode);
          if (ctx.options.keepSourceTokens)
            pair.srcToken = collItem;
          map.items.push(pair);
        } else {
          if (implicitKey)
            onError(keyNode.range, "MISSING_CHAR", "Implicit map keys need to be followed by map values");
          if (valueProps.comment) {
            if (keyNode.comment)
              keyNode.comment += "\n" + valueProps.comment;
            else
              keyNode.comment = valueProps.comment;
          }
          const pair = new Pair.Pair(keyNode);
          if (ctx.options.keepSourceTokens)
            pair.srcToken = collItem;
          map.items.push(pair);
        }
      }
      if (commentEnd && commentEnd < offset)
        onError(commentEnd, "IMPOSSIBLE", "Map comment with trailing content");
      map.range = [bm.offset, offset, commentEnd ?? offset];
      return map;
    }
    exports.resolveBlockMap = resolveBlockMap;
  }
});

// node_modules/yaml/dist/compose/resolve-block-seq.js
var require_resolve_block_seq = __commonJS({
  "node_modules/yaml/dist/compose/resolve-block-seq.js"(exports) {
    "use strict";
    var YAMLSeq = require_YAMLSeq();
    var resolveProps = require_resolve_props();
    var utilFlowIndentCheck = require_util_flow_indent_check();
    function resolveBlockSeq({ composeNode, composeEmptyNode }, ctx, bs, onError, tag) {
      const NodeClass = tag?.nodeClass ?? YAMLSeq.YAMLSeq;
      const seq = new NodeClass(ctx.schema);
      if (ctx.atRoot)
        ctx.atRoot = false;
      if (ctx.atKey)
        ctx.atKey = false;
      let offset = bs.offset;
      let commentEnd = null;
      for (const { start, value } of bs.items) {
        const props = resolveProps.resolveProps(start, {
          indicator: "seq-item-ind",
          next: value,
          offset,
          onError,
          parentIndent: bs.indent,
          startOnNewline: true
        });
        if (!props.found) {
          if (props.anchor || props.tag || value) {
            if (value?.type === "block-seq")
              onError(props.end, "BAD_INDENT", "All sequence items must start at the same column");
            else
              onError(offset, "MISSING_CHAR", "Sequence item without - indicator");
          } else {
            commentEnd = props.end;
            if (props.comment)
              seq.comment = props.comment;
            continue;
          }
        }
        const node = value ? composeNode(ctx, value, props, onError) : composeEmptyNode(ctx, props.end, start, null, props, onError);
        if (ctx.schema.compat)
          utilFlowIndentCheck.flowIndentCheck(bs.indent, value, onError);
        offset = node.range[2];
        seq.items.push(node);
      }
      seq.range = [bs.offset, offset, commentEnd ?? offset];
      return seq;
    }
    exports.resolveBlockSeq = resolveBlockSeq;
  }
});

// node_modules/yaml/dist/compose/resolve-end.js
var require_resolve_end = __commonJS({
  "node_modules/yaml/dist/compose/resolve-end.js"(exports) {
    "use strict";
    function resolveEnd(end, offset, reqSpace, onError) {
      let comment = "";
      if (end) {
        let hasSpace = false;
        let sep = "";
        for (const token of end) {
          const { source, type } = token;
          switch (type) {
            case "space":
              hasSpace = true;
              break;
            case "comment": {
              if (reqSpace && !hasSpace)
                onError(token, "MISSING_CHAR", "Comments must be separated from other tokens by white space characters");
              const cb = source.substring(1) || " ";
              if (!comment)
                comment = cb;
              else
                comment += sep + cb;
              sep = "";
              break;
            }
            case "newline":
              if (comment)
                sep += source;
              hasSpace = true;
              break;
            default:
              onError(token, "UNEXPECTED_TOKEN", `Unexpected ${type} at node end`);
          }
          offset += source.length;
        }
      }
      return { comment, offset };
    }
    exports.resolveEnd = resolveEnd;
  }
});

// node_modules/yaml/dist/compose/resolve-flow-collection.js
var require_resolve_flow_collection = __commonJS({
  "node_modules/yaml/dist/compose/resolve-flow-collection.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Pair = require_Pair();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var resolveEnd = require_resolve_end();
    var resolveProps = require_resolve_props();
    var utilContainsNewline = require_util_contains_newline();
    var utilMapIncludes = require_util_map_includes();
    var blockMsg = "Block collections are not allowed within flow collections";
    var isBlock = (token) => token && (token.type === "block-map" || token.type === "block-seq");
    function resolveFlowCollection({ composeNode, composeEmptyNode }, ctx, fc, onError, tag) {
      const isMap = fc.start.source === "{";
      const fcName = isMap ? "flow map" : "flow sequence";
      const NodeClass = tag?.nodeClass ?? (isMap ? YAMLMap.YAMLMap : YAMLSeq.YAMLSeq);
      const coll = new NodeClass(ctx.schema);
      coll.flow = true;
      const atRoot = ctx.atRoot;
      if (atRoot)
        ctx.atRoot = false;
      if (ctx.atKey)
        ctx.atKey = false;
      let offset = fc.offset + fc.start.source.length;
      for (let i = 0; i < fc.items.length; ++i) {
        const collItem = fc.items[i];
        const { start, key, sep, value } = collItem;
        const props = resolveProps.resolveProps(start, {
          flow: fcName,
          indicator: "explicit-key-ind",
          next: key ?? sep?.[0],
          offset,
          onError,
          parentIndent: fc.indent,
          startOnNewline: false
        });
        if (!props.found) {
          if (!props.anchor && !props.tag && !sep && !value) {
            if (i === 0 && props.comma)
              onError(props.comma, "UNEXPECTED_TOKEN", `Unexpected , in ${fcName}`);
            else if (i < fc.items.length - 1)
              onError(props.start, "UNEXPECTED_TOKEN", `Unexpected empty item in ${fcName}`);
            if (props.comment) {
              if (coll.comment)
                coll.comment += "\n" + props.comment;
              else
                coll.comment = props.comment;
            }
            offset = props.end;
            continue;
          }
          if (!isMap && ctx.options.strict && utilContainsNewline.containsNewline(key))
            onError(
              key,
              // checked by containsNewline()
              "MULTILINE_IMPLICIT_KEY",
              "Implicit keys of flow sequence pairs need to be on a single line"
            );
        }
        if (i === 0) {
          if (props.comma)
            onError(props.comma, "UNEXPECTED_TOKEN", `Unexpected , in ${fcName}`);
        } else {
          if (!props.comma)
            onError(props.start, "MISSING_CHAR", `Missing , between ${fcName} items`);
          if (props.comment) {
            let prevItemComment = "";
            loop: for (const st of start) {
              switch (st.type) {
                case "comma":
                case "space":
                  break;
                case "comment":
                  prevItemComment = st.source.substring(1);
                  break loop;
                default:
                  break loop;
              }
            }
            if (prevItemComment) {
              let prev = coll.items[coll.items.length - 1];
              if (identity.isPair(prev))
                prev = prev.value ?? prev.key;
              if (prev.comment)
                prev.comment += "\n" + prevItemComment;
              else
                prev.comment = prevItemComment;
              props.comment = props.comment.substring(prevItemComment.length + 1);
            }
          }
        }
        if (!isMap && !sep && !props.found) {
          const valueNode = value ? composeNode(ctx, value, props, onError) : composeEmptyNode(ctx, props.end, sep, null, props, onError);
          coll.items.push(valueNode);
          offset = valueNode.range[2];
          if (isBlock(value))
            onError(valueNode.range, "BLOCK_IN_FLOW", blockMsg);
        } else {
          ctx.atKey = true;
          const keyStart = props.end;
          const keyNode = key ? composeNode(ctx, key, props, onError) : composeEmptyNode(ctx, keyStart, start, null, props, onError);
          if (isBlock(key))
            onError(keyNode.range, "BLOCK_IN_FLOW", blockMsg);
          ctx.atKey = false;
          const valueProps = resolveProps.resolveProps(sep ?? [], {
            flow: fcName,
            indicator: "map-value-ind",
            next: value,
            offset: keyNode.range[2],
            onError,
            parentIndent: fc.indent,
            startOnNewline: false
          });
          if (valueProps.found) {
            if (!isMap && !props.found && ctx.options.strict) {
              if (sep)
                for (const st of sep) {
                  if (st === valueProps.found)
                    break;
                  if (st.type === "newline") {
                    onError(st, "MULTILINE_IMPLICIT_KEY", "Implicit keys of flow sequence pairs need to be on a single line");
                    break;
                  }
                }
              if (props.start < valueProps.found.offset - 1024)
                onError(valueProps.found, "KEY_OVER_1024_CHARS", "The : indicator must be at most 1024 chars after the start of an implicit flow sequence key");
            }
          } else if (value) {
            if ("source" in value && value.source?.[0] === ":")
              onError(value, "MISSING_CHAR", `Missing space after : in ${fcName}`);
            else
              onError(valueProps.start, "MISSING_CHAR", `Missing , or : between ${fcName} items`);
          }
          const valueNode = value ? composeNode(ctx, value, valueProps, onError) : valueProps.found ? composeEmptyNode(ctx, valueProps.end, sep, null, valueProps, onError) : null;
          if (valueNode) {
            if (isBlock(value))
              onError(valueNode.range, "BLOCK_IN_FLOW", blockMsg);
          } else if (valueProps.comment) {
            if (keyNode.comment)
              keyNode.comment += "\n" + valueProps.comment;
            else
              keyNode.comment = valueProps.comment;
          }
          const pair = new Pair.Pair(keyNode, valueNode);
          if (ctx.options.keepSourceTokens)
            pair.srcToken = collItem;
          if (isMap) {
            const map = coll;
            if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
              onError(keyStart, "DUPLICATE_KEY", "Map keys must be unique");
            map.items.push(pair);
          } else {
            const map = new YAMLMap.YAMLMap(ctx.schema);
            map.flow = true;
            map.items.push(pair);
            const endRange = (valueNode ?? keyNode).range;
            map.range = [keyNode.range[0], endRange[1], endRange[2]];
            coll.items.push(map);
          }
          offset = valueNode ? valueNode.range[2] : valueProps.end;
        }
      }
      const expectedEnd = isMap ? "}" : "]";
      const [ce, ...ee] = fc.end;
      let cePos = offset;
      if (ce?.source === expectedEnd)
        cePos = ce.offset + ce.source.length;
      else {
        const name = fcName[0].toUpperCase() + fcName.substring(1);
        const msg = atRoot ? `${name} must end with a ${expectedEnd}` : `${name} in block collection must be sufficiently indented and end with a ${expectedEnd}`;
        onError(offset, atRoot ? "MISSING_CHAR" : "BAD_INDENT", msg);
        if (ce && ce.source.length !== 1)
          ee.unshift(ce);
      }
      if (ee.length > 0) {
        const end = resolveEnd.resolveEnd(ee, cePos, ctx.options.strict, onError);
        if (end.comment) {
          if (coll.comment)
            coll.comment += "\n" + end.comment;
          else
            coll.comment = end.comment;
        }
        coll.range = [fc.offset, cePos, end.offset];
      } else {
        coll.range = [fc.offset, cePos, cePos];
      }
      return coll;
    }
    exports.resolveFlowCollection = resolveFlowCollection;
  }
});

// node_modules/yaml/dist/compose/compose-collection.js
var require_compose_collection = __commonJS({
  "node_modules/yaml/dist/compose/compose-collection.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Scalar = require_Scalar();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var resolveBlockMap = require_resolve_block_map();
    var resolveBlockSeq = require_resolve_block_seq();
    var resolveFlowCollection = require_resolve_flow_collection();
    function resolveCollection(CN, ctx, token, onError, tagName, tag) {
      const coll = token.type === "block-map" ? resolveBlockMap.resolveBlockMap(CN, ctx, token, onError, tag) : token.type === "block-seq" ? resolveBlockSeq.resolveBlockSeq(CN, ctx, token, onError, tag) : resolveFlowCollection.resolveFlowCollection(CN, ctx, token, onError, tag);
      const Coll = coll.constructor;
      if (tagName === "!" || tagName === Coll.tagName) {
        coll.tag = Coll.tagName;
        return coll;
      }
      if (tagName)
        coll.tag = tagName;
      return coll;
    }
    function composeCollection(CN, ctx, token, props, onError) {
      const tagToken = props.tag;
      const tagName = !tagToken ? null : ctx.directives.tagName(tagToken.source, (msg) => onError(tagToken, "TAG_RESOLVE_FAILED", msg));
      if (token.type === "block-seq") {
        const { anchor, newlineAfterProp: nl } = props;
        const lastProp = anchor && tagToken ? anchor.offset > tagToken.offset ? anchor : tagToken : anchor ?? tagToken;
        if (lastProp && (!nl || nl.offset < lastProp.offset)) {
          const message2 = "Missing newline after block sequence props";
          onError(lastProp, "MISSING_CHAR", message2);
        }
      }
      const expType = token.type === "block-map" ? "map" : token.type === "block-seq" ? "seq" : token.start.source === "{" ? "map" : "seq";
      if (!tagToken || !tagName || tagName === "!" || tagName === YAMLMap.YAMLMap.tagName && expType === "map" || tagName === YAMLSeq.YAMLSeq.tagName && expType === "seq") {
        return resolveCollection(CN, ctx, token, onError, tagName);
      }
      let tag = ctx.schema.tags.find((t) => t.tag === tagName && t.collection === expType);
      if (!tag) {
        const kt = ctx.schema.knownTags[tagName];
        if (kt?.collection === expType) {
          ctx.schema.tags.push(Object.assign({}, kt, { default: false }));
          tag = kt;
        } else {
          if (kt) {
            onError(tagToken, "BAD_COLLECTION_TYPE", `${kt.tag} used for ${expType} collection, but expects ${kt.collection ?? "scalar"}`, true);
          } else {
            onError(tagToken, "TAG_RESOLVE_FAILED", `Unresolved tag: ${tagName}`, true);
          }
          return resolveCollection(CN, ctx, token, onError, tagName);
        }
      }
      const coll = resolveCollection(CN, ctx, token, onError, tagName, tag);
      const res = tag.resolve?.(coll, (msg) => onError(tagToken, "TAG_RESOLVE_FAILED", msg), ctx.options) ?? coll;
      const node = identity.isNode(res) ? res : new Scalar.Scalar(res);
      node.range = coll.range;
      node.tag = tagName;
      if (tag?.format)
        node.format = tag.format;
      return node;
    }
    exports.composeCollection = composeCollection;
  }
});

// node_modules/yaml/dist/compose/resolve-block-scalar.js
var require_resolve_block_scalar = __commonJS({
  "node_modules/yaml/dist/compose/resolve-block-scalar.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    function resolveBlockScalar(ctx, scalar, onError) {
      const start = scalar.offset;
      const header = parseBlockScalarHeader(scalar, ctx.options.strict, onError);
      if (!header)
        return { value: "", type: null, comment: "", range: [start, start, start] };
      const type = header.mode === ">" ? Scalar.Scalar.BLOCK_FOLDED : Scalar.Scalar.BLOCK_LITERAL;
      const lines = scalar.source ? splitLines(scalar.source) : [];
      let chompStart = lines.length;
      for (let i = lines.length - 1; i >= 0; --i) {
        const content = lines[i][1];
        if (content === "" || content === "\r")
          chompStart = i;
        else
          break;
      }
      if (chompStart === 0) {
        const value2 = header.chomp === "+" && lines.length > 0 ? "\n".repeat(Math.max(1, lines.length - 1)) : "";
        let end2 = start + header.length;
        if (scalar.source)
          end2 += scalar.source.length;
        return { value: value2, type, comment: header.comment, range: [start, end2, end2] };
      }
      let trimIndent = scalar.indent + header.indent;
      let offset = scalar.offset + header.length;
      let contentStart = 0;
      for (let i = 0; i < chompStart; ++i) {
        const [indent, content] = lines[i];
        if (content === "" || content === "\r") {
          if (header.indent === 0 && indent.length > trimIndent)
            trimIndent = indent.length;
        } else {
          if (indent.length < trimIndent) {
            const message2 = "Block scalars with more-indented leading empty lines must use an explicit indentation indicator";
            onError(offset + indent.length, "MISSING_CHAR", message2);
          }
          if (header.indent === 0)
            trimIndent = indent.length;
          contentStart = i;
          if (trimIndent === 0 && !ctx.atRoot) {
            const message2 = "Block scalar values in collections must be indented";
            onError(offset, "BAD_INDENT", message2);
          }
          break;
        }
        offset += indent.length + content.length + 1;
      }
      for (let i = lines.length - 1; i >= chompStart; --i) {
        if (lines[i][0].length > trimIndent)
          chompStart = i + 1;
      }
      let value = "";
      let sep = "";
      let prevMoreIndented = false;
      for (let i = 0; i < contentStart; ++i)
        value += lines[i][0].slice(trimIndent) + "\n";
      for (let i = contentStart; i < chompStart; ++i) {
        let [indent, content] = lines[i];
        offset += indent.length + content.length + 1;
        const crlf = content[content.length - 1] === "\r";
        if (crlf)
          content = content.slice(0, -1);
        if (content && indent.length < trimIndent) {
          const src = header.indent ? "explicit indentation indicator" : "first line";
          const message2 = `Block scalar lines must not be less indented than their ${src}`;
          onError(offset - content.length - (crlf ? 2 : 1), "BAD_INDENT", message2);
          indent = "";
        }
        if (type === Scalar.Scalar.BLOCK_LITERAL) {
          value += sep + indent.slice(trimIndent) + content;
          sep = "\n";
        } else if (indent.length > trimIndent || content[0] === "	") {
          if (sep === " ")
            sep = "\n";
          else if (!prevMoreIndented && sep === "\n")
            sep = "\n\n";
          value += sep + indent.slice(trimIndent) + content;
          sep = "\n";
          prevMoreIndented = true;
        } else if (content === "") {
          if (sep === "\n")
            value += "\n";
          else
            sep = "\n";
        } else {
          value += sep + content;
          sep = " ";
          prevMoreIndented = false;
        }
      }
      switch (header.chomp) {
        case "-":
          break;
        case "+":
          for (let i = chompStart; i < lines.length; ++i)
            value += "\n" + lines[i][0].slice(trimIndent);
          if (value[value.length - 1] !== "\n")
            value += "\n";
          break;
        default:
          value += "\n";
      }
      const end = start + header.length + scalar.source.length;
      return { value, type, comment: header.comment, range: [start, end, end] };
    }
    function parseBlockScalarHeader({ offset, props }, strict, onError) {
      if (props[0].type !== "block-scalar-header") {
        onError(props[0], "IMPOSSIBLE", "Block scalar header not found");
        return null;
      }
      const { source } = props[0];
      const mode = source[0];
      let indent = 0;
      let chomp = "";
      let error = -1;
      for (let i = 1; i < source.length; ++i) {
        const ch = source[i];
        if (!chomp && (ch === "-" || ch === "+"))
          chomp = ch;
        else {
          const n = Number(ch);
          if (!indent && n)
            indent = n;
          else if (error === -1)
            error = offset + i;
        }
      }
      if (error !== -1)
        onError(error, "UNEXPECTED_TOKEN", `Block scalar header includes extra characters: ${source}`);
      let hasSpace = false;
      let comment = "";
      let length = source.length;
      for (let i = 1; i < props.length; ++i) {
        const token = props[i];
        switch (token.type) {
          case "space":
            hasSpace = true;
          // fallthrough
          case "newline":
            length += token.source.length;
            break;
          case "comment":
            if (strict && !hasSpace) {
              const message2 = "Comments must be separated from other tokens by white space characters";
              onError(token, "MISSING_CHAR", message2);
            }
            length += token.source.length;
            comment = token.source.substring(1);
            break;
          case "error":
            onError(token, "UNEXPECTED_TOKEN", token.message);
            length += token.source.length;
            break;
          /* istanbul ignore next should not happen */
          default: {
            const message2 = `Unexpected token in block scalar header: ${token.type}`;
            onError(token, "UNEXPECTED_TOKEN", message2);
            const ts = token.source;
            if (ts && typeof ts === "string")
              length += ts.length;
          }
        }
      }
      return { mode, indent, chomp, comment, length };
    }
    function splitLines(source) {
      const split = source.split(/\n( *)/);
      const first = split[0];
      const m = first.match(/^( *)/);
      const line0 = m?.[1] ? [m[1], first.slice(m[1].length)] : ["", first];
      const lines = [line0];
      for (let i = 1; i < split.length; i += 2)
        lines.push([split[i], split[i + 1]]);
      return lines;
    }
    exports.resolveBlockScalar = resolveBlockScalar;
  }
});

// node_modules/yaml/dist/compose/resolve-flow-scalar.js
var require_resolve_flow_scalar = __commonJS({
  "node_modules/yaml/dist/compose/resolve-flow-scalar.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var resolveEnd = require_resolve_end();
    function resolveFlowScalar(scalar, strict, onError) {
      const { offset, type, source, end } = scalar;
      let _type;
      let value;
      const _onError = (rel, code, msg) => onError(offset + rel, code, msg);
      switch (type) {
        case "scalar":
          _type = Scalar.Scalar.PLAIN;
          value = plainValue(source, _onError);
          break;
        case "single-quoted-scalar":
          _type = Scalar.Scalar.QUOTE_SINGLE;
          value = singleQuotedValue(source, _onError);
          break;
        case "double-quoted-scalar":
          _type = Scalar.Scalar.QUOTE_DOUBLE;
          value = doubleQuotedValue(source, _onError);
          break;
        /* istanbul ignore next should not happen */
        default:
          onError(scalar, "UNEXPECTED_TOKEN", `Expected a flow scalar value, but found: ${type}`);
          return {
            value: "",
            type: null,
            comment: "",
            range: [offset, offset + source.length, offset + source.length]
          };
      }
      const valueEnd = offset + source.length;
      const re2 = resolveEnd.resolveEnd(end, valueEnd, strict, onError);
      return {
        value,
        type: _type,
        comment: re2.comment,
        range: [offset, valueEnd, re2.offset]
      };
    }
    function plainValue(source, onError) {
      let badChar = "";
      switch (source[0]) {
        /* istanbul ignore next should not happen */
        case "	":
          badChar = "a tab character";
          break;
        case ",":
          badChar = "flow indicator character ,";
          break;
        case "%":
          badChar = "directive indicator character %";
          break;
        case "|":
        case ">": {
          badChar = `block scalar indicator ${source[0]}`;
          break;
        }
        case "@":
        case "`": {
          badChar = `reserved character ${source[0]}`;
          break;
        }
      }
      if (badChar)
        onError(0, "BAD_SCALAR_START", `Plain value cannot start with ${badChar}`);
      return unfoldLines(source);
    }
    function singleQuotedValue(source, onError) {
      if (source[source.length - 1] !== "'" || source.length === 1)
        onError(source.length, "MISSING_CHAR", "Missing closing 'quote");
      return unfoldLines(source.slice(1, -1)).replace(/''/g, "'");
    }
    function unfoldLines(source) {
      const line = /(.*?)\r?\n/sy;
      let match = line.exec(source);
      if (!match)
        return source;
      let trimEnd, trimBoth;
      try {
        trimEnd = new RegExp("(?<![ 	])[ 	]+$");
        trimBoth = new RegExp("^[ 	]+|(?<![ 	])[ 	]+$", "g");
      } catch {
        trimEnd = /[ \t]+$/;
        trimBoth = /^[ \t]+|[ \t]+$/g;
      }
      let res = match[1].replace(trimEnd, "");
      let sep = " ";
      let pos = line.lastIndex;
      while (match = line.exec(source)) {
        const lm = match[1].replace(trimBoth, "");
        if (lm === "") {
          if (sep === "\n")
            res += sep;
          else
            sep = "\n";
        } else {
          res += sep + lm;
          sep = " ";
        }
        pos = line.lastIndex;
      }
      const last = /[ \t]*(.*)/sy;
      last.lastIndex = pos;
      match = last.exec(source);
      return res + sep + (match?.[1] ?? "");
    }
    function doubleQuotedValue(source, onError) {
      let res = "";
      for (let i = 1; i < source.length - 1; ++i) {
        const ch = source[i];
        if (ch === "\r" && source[i + 1] === "\n")
          continue;
        if (ch === "\n") {
          const { fold: fold2, offset } = foldNewline(source, i);
          res += fold2;
          i = offset;
        } else if (ch === "\\") {
          let next = source[++i];
          const cc = escapeCodes[next];
          if (cc)
            res += cc;
          else if (next === "\n") {
            next = source[i + 1];
            while (next === " " || next === "	")
              next = source[++i + 1];
          } else if (next === "\r" && source[i + 1] === "\n") {
            next = source[++i + 1];
            while (next === " " || next === "	")
              next = source[++i + 1];
          } else if (next === "x" || next === "u" || next === "U") {
            const length = next === "x" ? 2 : next === "u" ? 4 : 8;
            res += parseCharCode(source, i + 1, length, onError);
            i += length;
          } else {
            const raw = source.substr(i - 1, 2);
            onError(i - 1, "BAD_DQ_ESCAPE", `Invalid escape sequence ${raw}`);
            res += raw;
          }
        } else if (ch === " " || ch === "	") {
          const wsStart = i;
          let next = source[i + 1];
          while (next === " " || next === "	")
            next = source[++i + 1];
          if (next !== "\n" && !(next === "\r" && source[i + 2] === "\n"))
            res += i > wsStart ? source.slice(wsStart, i + 1) : ch;
        } else {
          res += ch;
        }
      }
      if (source[source.length - 1] !== '"' || source.length === 1)
        onError(source.length, "MISSING_CHAR", 'Missing closing "quote');
      return res;
    }
    function foldNewline(source, offset) {
      let fold2 = "";
      let ch = source[offset + 1];
      while (ch === " " || ch === "	" || ch === "\n" || ch === "\r") {
        if (ch === "\r" && source[offset + 2] !== "\n")
          break;
        if (ch === "\n")
          fold2 += "\n";
        offset += 1;
        ch = source[offset + 1];
      }
      if (!fold2)
        fold2 = " ";
      return { fold: fold2, offset };
    }
    var escapeCodes = {
      "0": "\0",
      // null character
      a: "\x07",
      // bell character
      b: "\b",
      // backspace
      e: "\x1B",
      // escape character
      f: "\f",
      // form feed
      n: "\n",
      // line feed
      r: "\r",
      // carriage return
      t: "	",
      // horizontal tab
      v: "\v",
      // vertical tab
      N: "\x85",
      // Unicode next line
      _: "\xA0",
      // Unicode non-breaking space
      L: "\u2028",
      // Unicode line separator
      P: "\u2029",
      // Unicode paragraph separator
      " ": " ",
      '"': '"',
      "/": "/",
      "\\": "\\",
      "	": "	"
    };
    function parseCharCode(source, offset, length, onError) {
      const cc = source.substr(offset, length);
      const ok = cc.length === length && /^[0-9a-fA-F]+$/.test(cc);
      const code = ok ? parseInt(cc, 16) : NaN;
      try {
        return String.fromCodePoint(code);
      } catch {
        const raw = source.substr(offset - 2, length + 2);
        onError(offset - 2, "BAD_DQ_ESCAPE", `Invalid escape sequence ${raw}`);
        return raw;
      }
    }
    exports.resolveFlowScalar = resolveFlowScalar;
  }
});

// node_modules/yaml/dist/compose/compose-scalar.js
var require_compose_scalar = __commonJS({
  "node_modules/yaml/dist/compose/compose-scalar.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Scalar = require_Scalar();
    var resolveBlockScalar = require_resolve_block_scalar();
    var resolveFlowScalar = require_resolve_flow_scalar();
    function composeScalar(ctx, token, tagToken, onError) {
      const { value, type, comment, range } = token.type === "block-scalar" ? resolveBlockScalar.resolveBlockScalar(ctx, token, onError) : resolveFlowScalar.resolveFlowScalar(token, ctx.options.strict, onError);
      const tagName = tagToken ? ctx.directives.tagName(tagToken.source, (msg) => onError(tagToken, "TAG_RESOLVE_FAILED", msg)) : null;
      let tag;
      if (ctx.options.stringKeys && ctx.atKey) {
        tag = ctx.schema[identity.SCALAR];
      } else if (tagName)
        tag = findScalarTagByName(ctx.schema, value, tagName, tagToken, onError);
      else if (token.type === "scalar")
        tag = findScalarTagByTest(ctx, value, token, onError);
      else
        tag = ctx.schema[identity.SCALAR];
      let scalar;
      try {
        const res = tag.resolve(value, (msg) => onError(tagToken ?? token, "TAG_RESOLVE_FAILED", msg), ctx.options);
        scalar = identity.isScalar(res) ? res : new Scalar.Scalar(res);
      } catch (error) {
        const msg = error instanceof Error ? error.message : String(error);
        onError(tagToken ?? token, "TAG_RESOLVE_FAILED", msg);
        scalar = new Scalar.Scalar(value);
      }
      scalar.range = range;
      scalar.source = value;
      if (type)
        scalar.type = type;
      if (tagName)
        scalar.tag = tagName;
      if (tag.format)
        scalar.format = tag.format;
      if (comment)
        scalar.comment = comment;
      return scalar;
    }
    function findScalarTagByName(schema, value, tagName, tagToken, onError) {
      if (tagName === "!")
        return schema[identity.SCALAR];
      const matchWithTest = [];
      for (const tag of schema.tags) {
        if (!tag.collection && tag.tag === tagName) {
          if (tag.default && tag.test)
            matchWithTest.push(tag);
          else
            return tag;
        }
      }
      for (const tag of matchWithTest)
        if (tag.test?.test(value))
          return tag;
      const kt = schema.knownTags[tagName];
      if (kt && !kt.collection) {
        schema.tags.push(Object.assign({}, kt, { default: false, test: void 0 }));
        return kt;
      }
      onError(tagToken, "TAG_RESOLVE_FAILED", `Unresolved tag: ${tagName}`, tagName !== "tag:yaml.org,2002:str");
      return schema[identity.SCALAR];
    }
    function findScalarTagByTest({ atKey, directives, schema }, value, token, onError) {
      const tag = schema.tags.find((tag2) => (tag2.default === true || atKey && tag2.default === "key") && tag2.test?.test(value)) || schema[identity.SCALAR];
      if (schema.compat) {
        const compat = schema.compat.find((tag2) => tag2.default && tag2.test?.test(value)) ?? schema[identity.SCALAR];
        if (tag.tag !== compat.tag) {
          const ts = directives.tagString(tag.tag);
          const cs = directives.tagString(compat.tag);
          const msg = `Value may be parsed as either ${ts} or ${cs}`;
          onError(token, "TAG_RESOLVE_FAILED", msg, true);
        }
      }
      return tag;
    }
    exports.composeScalar = composeScalar;
  }
});

// node_modules/yaml/dist/compose/util-empty-scalar-position.js
var require_util_empty_scalar_position = __commonJS({
  "node_modules/yaml/dist/compose/util-empty-scalar-position.js"(exports) {
    "use strict";
    function emptyScalarPosition(offset, before, pos) {
      if (before) {
        pos ?? (pos = before.length);
        for (let i = pos - 1; i >= 0; --i) {
          let st = before[i];
          switch (st.type) {
            case "space":
            case "comment":
            case "newline":
              offset -= st.source.length;
              continue;
          }
          st = before[++i];
          while (st?.type === "space") {
            offset += st.source.length;
            st = before[++i];
          }
          break;
        }
      }
      return offset;
    }
    exports.emptyScalarPosition = emptyScalarPosition;
  }
});

// node_modules/yaml/dist/compose/compose-node.js
var require_compose_node = __commonJS({
  "node_modules/yaml/dist/compose/compose-node.js"(exports) {
    "use strict";
    var Alias = require_Alias();
    var identity = require_identity();
    var composeCollection = require_compose_collection();
    var composeScalar = require_compose_scalar();
    var resolveEnd = require_resolve_end();
    var utilEmptyScalarPosition = require_util_empty_scalar_position();
    var CN = { composeNode, composeEmptyNode };
    function composeNode(ctx, token, props, onError) {
      const atKey = ctx.atKey;
      const { spaceBefore, comment, anchor, tag } = props;
      let node;
      let isSrcToken = true;
      switch (token.type) {
        case "alias":
          node = composeAlias(ctx, token, onError);
          if (anchor || tag)
            onError(token, "ALIAS_PROPS", "An alias node must not specify any properties");
          break;
        case "scalar":
        case "single-quoted-scalar":
        case "double-quoted-scalar":
        case "block-scalar":
          node = composeScalar.composeScalar(ctx, token, tag, onError);
          if (anchor)
            node.anchor = anchor.source.substring(1);
          break;
        case "block-map":
        case "block-seq":
        case "flow-collection":
          try {
            node = composeCollection.composeCollection(CN, ctx, token, props, onError);
            if (anchor)
              node.anchor = anchor.source.substring(1);
          } catch (error) {
            const message2 = error instanceof Error ? error.message : String(error);
            onError(token, "RESOURCE_EXHAUSTION", message2);
          }
          break;
        default: {
          const message2 = token.type === "error" ? token.message : `Unsupported token (type: ${token.type})`;
          onError(token, "UNEXPECTED_TOKEN", message2);
          isSrcToken = false;
        }
      }
      node ?? (node = composeEmptyNode(ctx, token.offset, void 0, null, props, onError));
      if (anchor && node.anchor === "")
        onError(anchor, "BAD_ALIAS", "Anchor cannot be an empty string");
      if (atKey && ctx.options.stringKeys && (!identity.isScalar(node) || typeof node.value !== "string" || node.tag && node.tag !== "tag:yaml.org,2002:str")) {
        const msg = "With stringKeys, all keys must be strings";
        onError(tag ?? token, "NON_STRING_KEY", msg);
      }
      if (spaceBefore)
        node.spaceBefore = true;
      if (comment) {
        if (token.type === "scalar" && token.source === "")
          node.comment = comment;
        else
          node.commentBefore = comment;
      }
      if (ctx.options.keepSourceTokens && isSrcToken)
        node.srcToken = token;
      return node;
    }
    function composeEmptyNode(ctx, offset, before, pos, { spaceBefore, comment, anchor, tag, end }, onError) {
      const token = {
        type: "scalar",
        offset: utilEmptyScalarPosition.emptyScalarPosition(offset, before, pos),
        indent: -1,
        source: ""
      };
      const node = composeScalar.composeScalar(ctx, token, tag, onError);
      if (anchor) {
        node.anchor = anchor.source.substring(1);
        if (node.anchor === "")
          onError(anchor, "BAD_ALIAS", "Anchor cannot be an empty string");
      }
      if (spaceBefore)
        node.spaceBefore = true;
      if (comment) {
        node.comment = comment;
        node.range[2] = end;
      }
      return node;
    }
    function composeAlias({ options: options2 }, { offset, source, end }, onError) {
      const alias = new Alias.Alias(source.substring(1));
      if (alias.source === "")
        onError(offset, "BAD_ALIAS", "Alias cannot be an empty string");
      if (alias.source.endsWith(":"))
        onError(offset + source.length - 1, "BAD_ALIAS", "Alias ending in : is ambiguous", true);
      const valueEnd = offset + source.length;
      const re2 = resolveEnd.resolveEnd(end, valueEnd, options2.strict, onError);
      alias.range = [offset, valueEnd, re2.offset];
      if (re2.comment)
        alias.comment = re2.comment;
      return alias;
    }
    exports.composeEmptyNode = composeEmptyNode;
    exports.composeNode = composeNode;
  }
});

// node_modules/yaml/dist/compose/compose-doc.js
var require_compose_doc = __commonJS({
  "node_modules/yaml/dist/compose/compose-doc.js"(exports) {
    "use strict";
    var Document = require_Document();
    var composeNode = require_compose_node();
    var resolveEnd = require_resolve_end();
    var resolveProps = require_resolve_props();
    function composeDoc(options2, directives, { offset, start, value, end }, onError) {
      const opts = Object.assign({ _directives: directives }, options2);
      const doc = new Document.Document(void 0, opts);
      const ctx = {
        atKey: false,
        atRoot: true,
        directives: doc.directives,
        options: doc.options,
        schema: doc.schema
      };
      const props = resolveProps.resolveProps(start, {
        indicator: "doc-start",
        next: value ?? end?.[0],
        offset,
        onError,
        parentIndent: 0,
        startOnNewline: true
      });
      if (props.found) {
        doc.directives.docStart = true;
        if (value && (value.type === "block-map" || value.type === "block-seq") && !props.hasNewline)
          onError(props.end, "MISSING_CHAR", "Block collection cannot start on same line with directives-end marker");
      }
      doc.contents = value ? composeNode.composeNode(ctx, value, props, onError) : composeNode.composeEmptyNode(ctx, props.end, start, null, props, onError);
      const contentEnd = doc.contents.range[2];
      const re2 = resolveEnd.resolveEnd(end, contentEnd, false, onError);
      if (re2.comment)
        doc.comment = re2.comment;
      doc.range = [offset, contentEnd, re2.offset];
      return doc;
    }
    exports.composeDoc = composeDoc;
  }
});

// node_modules/yaml/dist/compose/composer.js
var require_composer = __commonJS({
  "node_modules/yaml/dist/compose/composer.js"(exports) {
    "use strict";
    var node_process = __require("process");
    var directives = require_directives();
    var Document = require_Document();
    var errors = require_errors();
    var identity = require_identity();
    var composeDoc = require_compose_doc();
    var resolveEnd = require_resolve_end();
    function getErrorPos(src) {
      if (typeof src === "number")
        return [src, src + 1];
      if (Array.isArray(src))
        return src.length === 2 ? src : [src[0], src[1]];
      const { offset, source } = src;
      return [offset, offset + (typeof source === "string" ? source.length : 1)];
    }
    function parsePrelude(prelude) {
      let comment = "";
      let atComment = false;
      let afterEmptyLine = false;
      for (let i = 0; i < prelude.length; ++i) {
        const source = prelude[i];
        switch (source[0]) {
          case "#":
            comment += (comment === "" ? "" : afterEmptyLine ? "\n\n" : "\n") + (source.substring(1) || " ");
            atComment = true;
            afterEmptyLine = false;
            break;
          case "%":
            if (prelude[i + 1]?.[0] !== "#")
              i += 1;
            atComment = false;
            break;
          default:
            if (!atComment)
              afterEmptyLine = true;
            atComment = false;
        }
      }
      return { comment, afterEmptyLine };
    }
    var Composer = class {
      constructor(options2 = {}) {
        this.doc = null;
        this.atDirectives = false;
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
        this.onError = (source, code, message2, warning) => {
          const pos = getErrorPos(source);
          if (warning)
            this.warnings.push(new errors.YAMLWarning(pos, code, message2));
          else
            this.errors.push(new errors.YAMLParseError(pos, code, message2));
        };
        this.directives = new directives.Directives({ version: options2.version || "1.2" });
        this.options = options2;
      }
      decorate(doc, afterDoc) {
        const { comment, afterEmptyLine } = parsePrelude(this.prelude);
        if (comment) {
          const dc = doc.contents;
          if (afterDoc) {
            doc.comment = doc.comment ? `${doc.comment}
${comment}` : comment;
          } else if (afterEmptyLine || doc.directives.docStart || !dc) {
            doc.commentBefore = comment;
          } else if (identity.isCollection(dc) && !dc.flow && dc.items.length > 0) {
            let it = dc.items[0];
            if (identity.isPair(it))
              it = it.key;
            const cb = it.commentBefore;
            it.commentBefore = cb ? `${comment}
${cb}` : comment;
          } else {
            const cb = dc.commentBefore;
            dc.commentBefore = cb ? `${comment}
${cb}` : comment;
          }
        }
        if (afterDoc) {
          for (let i = 0; i < this.errors.length; ++i)
            doc.errors.push(this.errors[i]);
          for (let i = 0; i < this.warnings.length; ++i)
            doc.warnings.push(this.warnings[i]);
        } else {
          doc.errors = this.errors;
          doc.warnings = this.warnings;
        }
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
      }
      /**
       * Current stream status information.
       *
       * Mostly useful at the end of input for an empty stream.
       */
      streamInfo() {
        return {
          comment: parsePrelude(this.prelude).comment,
          directives: this.directives,
          errors: this.errors,
          warnings: this.warnings
        };
      }
      /**
       * Compose tokens into documents.
       *
       * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
       * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
       */
      *compose(tokens, forceDoc = false, endOffset = -1) {
        for (const token of tokens)
          yield* this.next(token);
        yield* this.end(forceDoc, endOffset);
      }
      /** Advance the composer by one CST token. */
      *next(token) {
        if (node_process.env.LOG_STREAM)
          console.dir(token, { depth: null });
        switch (token.type) {
          case "directive":
            this.directives.add(token.source, (offset, message2, warning) => {
              const pos = getErrorPos(token);
              pos[0] += offset;
              this.onError(pos, "BAD_DIRECTIVE", message2, warning);
            });
            this.prelude.push(token.source);
            this.atDirectives = true;
            break;
          case "document": {
            const doc = composeDoc.composeDoc(this.options, this.directives, token, this.onError);
            if (this.atDirectives && !doc.directives.docStart)
              this.onError(token, "MISSING_CHAR", "Missing directives-end/doc-start indicator line");
            this.decorate(doc, false);
            if (this.doc)
              yield this.doc;
            this.doc = doc;
            this.atDirectives = false;
            break;
          }
          case "byte-order-mark":
          case "space":
            break;
          case "comment":
          case "newline":
            this.prelude.push(token.source);
            break;
          case "error": {
            const msg = token.source ? `${token.message}: ${JSON.stringify(token.source)}` : token.message;
            const error = new errors.YAMLParseError(getErrorPos(token), "UNEXPECTED_TOKEN", msg);
            if (this.atDirectives || !this.doc)
              this.errors.push(error);
            else
              this.doc.errors.push(error);
            break;
          }
          case "doc-end": {
            if (!this.doc) {
              const msg = "Unexpected doc-end without preceding document";
              this.errors.push(new errors.YAMLParseError(getErrorPos(token), "UNEXPECTED_TOKEN", msg));
              break;
            }
            this.doc.directives.docEnd = true;
            const end = resolveEnd.resolveEnd(token.end, token.offset + token.source.length, this.doc.options.strict, this.onError);
            this.decorate(this.doc, true);
            if (end.comment) {
              const dc = this.doc.comment;
              this.doc.comment = dc ? `${dc}
${end.comment}` : end.comment;
            }
            this.doc.range[2] = end.offset;
            break;
          }
          default:
            this.errors.push(new errors.YAMLParseError(getErrorPos(token), "UNEXPECTED_TOKEN", `Unsupported token ${token.type}`));
        }
      }
      /**
       * Call at end of input to yield any remaining document.
       *
       * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
       * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
       */
      *end(forceDoc = false, endOffset = -1) {
        if (this.doc) {
          this.decorate(this.doc, true);
          yield this.doc;
          this.doc = null;
        } else if (forceDoc) {
          const opts = Object.assign({ _directives: this.directives }, this.options);
          const doc = new Document.Document(void 0, opts);
          if (this.atDirectives)
            this.onError(endOffset, "MISSING_CHAR", "Missing directives-end indicator line");
          doc.range = [0, endOffset, endOffset];
          this.decorate(doc, false);
          yield doc;
        }
      }
    };
    exports.Composer = Composer;
  }
});

// node_modules/yaml/dist/parse/cst-scalar.js
var require_cst_scalar = __commonJS({
  "node_modules/yaml/dist/parse/cst-scalar.js"(exports) {
    "use strict";
    var resolveBlockScalar = require_resolve_block_scalar();
    var resolveFlowScalar = require_resolve_flow_scalar();
    var errors = require_errors();
    var stringifyString = require_stringifyString();
    function resolveAsScalar(token, strict = true, onError) {
      if (token) {
        const _onError = (pos, code, message2) => {
          const offset = typeof pos === "number" ? pos : Array.isArray(pos) ? pos[0] : pos.offset;
          if (onError)
            onError(offset, code, message2);
          else
            throw new errors.YAMLParseError([offset, offset + 1], code, message2);
        };
        switch (token.type) {
          case "scalar":
          case "single-quoted-scalar":
          case "double-quoted-scalar":
            return resolveFlowScalar.resolveFlowScalar(token, strict, _onError);
          case "block-scalar":
            return resolveBlockScalar.resolveBlockScalar({ options: { strict } }, token, _onError);
        }
      }
      return null;
    }
    function createScalarToken(value, context) {
      const { implicitKey = false, indent, inFlow = false, offset = -1, type = "PLAIN" } = context;
      const source = stringifyString.stringifyString({ type, value }, {
        implicitKey,
        indent: indent > 0 ? " ".repeat(indent) : "",
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
      });
      const end = context.end ?? [
        { type: "newline", offset: -1, indent, source: "\n" }
      ];
      switch (source[0]) {
        case "|":
        case ">": {
          const he = source.indexOf("\n");
          const head = source.substring(0, he);
          const body = source.substring(he + 1) + "\n";
          const props = [
            { type: "block-scalar-header", offset, indent, source: head }
          ];
          if (!addEndtoBlockProps(props, end))
            props.push({ type: "newline", offset: -1, indent, source: "\n" });
          return { type: "block-scalar", offset, indent, props, source: body };
        }
        case '"':
          return { type: "double-quoted-scalar", offset, indent, source, end };
        case "'":
          return { type: "single-quoted-scalar", offset, indent, source, end };
        default:
          return { type: "scalar", offset, indent, source, end };
      }
    }
    function setScalarValue(token, value, context = {}) {
      let { afterKey = false, implicitKey = false, inFlow = false, type } = context;
      let indent = "indent" in token ? token.indent : null;
      if (afterKey && typeof indent === "number")
        indent += 2;
      if (!type)
        switch (token.type) {
          case "single-quoted-scalar":
            type = "QUOTE_SINGLE";
            break;
          case "double-quoted-scalar":
            type = "QUOTE_DOUBLE";
            break;
          case "block-scalar": {
            const header = token.props[0];
            if (header.type !== "block-scalar-header")
              throw new Error("Invalid block scalar header");
            type = header.source[0] === ">" ? "BLOCK_FOLDED" : "BLOCK_LITERAL";
            break;
          }
          default:
            type = "PLAIN";
        }
      const source = stringifyString.stringifyString({ type, value }, {
        implicitKey: implicitKey || indent === null,
        indent: indent !== null && indent > 0 ? " ".repeat(indent) : "",
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
      });
      switch (source[0]) {
        case "|":
        case ">":
          setBlockScalarValue(token, source);
          break;
        case '"':
          setFlowScalarValue(token, source, "double-quoted-scalar");
          break;
        case "'":
          setFlowScalarValue(token, source, "single-quoted-scalar");
          break;
        default:
          setFlowScalarValue(token, source, "scalar");
      }
    }
    function setBlockScalarValue(token, source) {
      const he = source.indexOf("\n");
      const head = source.substring(0, he);
      const body = source.substring(he + 1) + "\n";
      if (token.type === "block-scalar") {
        const header = token.props[0];
        if (header.type !== "block-scalar-header")
          throw new Error("Invalid block scalar header");
        header.source = head;
        token.source = body;
      } else {
        const { offset } = token;
        const indent = "indent" in token ? token.indent : -1;
        const props = [
          { type: "block-scalar-header", offset, indent, source: head }
        ];
        if (!addEndtoBlockProps(props, "end" in token ? token.end : void 0))
          props.push({ type: "newline", offset: -1, indent, source: "\n" });
        for (const key of Object.keys(token))
          if (key !== "type" && key !== "offset")
            delete token[key];
        Object.assign(token, { type: "block-scalar", indent, props, source: body });
      }
    }
    function addEndtoBlockProps(props, end) {
      if (end)
        for (const st of end)
          switch (st.type) {
            case "space":
            case "comment":
              props.push(st);
              break;
            case "newline":
              props.push(st);
              return true;
          }
      return false;
    }
    function setFlowScalarValue(token, source, type) {
      switch (token.type) {
        case "scalar":
        case "double-quoted-scalar":
        case "single-quoted-scalar":
          token.type = type;
          token.source = source;
          break;
        case "block-scalar": {
          const end = token.props.slice(1);
          let oa = source.length;
          if (token.props[0].type === "block-scalar-header")
            oa -= token.props[0].source.length;
          for (const tok of end)
            tok.offset += oa;
          delete token.props;
          Object.assign(token, { type, source, end });
          break;
        }
        case "block-map":
        case "block-seq": {
          const offset = token.offset + source.length;
          const nl = { type: "newline", offset, indent: token.indent, source: "\n" };
          delete token.items;
          Object.assign(token, { type, source, end: [nl] });
          break;
        }
        default: {
          const indent = "indent" in token ? token.indent : -1;
          const end = "end" in token && Array.isArray(token.end) ? token.end.filter((st) => st.type === "space" || st.type === "comment" || st.type === "newline") : [];
          for (const key of Object.keys(token))
            if (key !== "type" && key !== "offset")
              delete token[key];
          Object.assign(token, { type, indent, source, end });
        }
      }
    }
    exports.createScalarToken = createScalarToken;
    exports.resolveAsScalar = resolveAsScalar;
    exports.setScalarValue = setScalarValue;
  }
});

// node_modules/yaml/dist/parse/cst-stringify.js
var require_cst_stringify = __commonJS({
  "node_modules/yaml/dist/parse/cst-stringify.js"(exports) {
    "use strict";
    var stringify = (cst) => "type" in cst ? stringifyToken(cst) : stringifyItem(cst);
    function stringifyToken(token) {
      switch (token.type) {
        case "block-scalar": {
          let res = "";
          for (const tok of token.props)
            res += stringifyToken(tok);
          return res + token.source;
        }
        case "block-map":
        case "block-seq": {
          let res = "";
          for (const item of token.items)
            res += stringifyItem(item);
          return res;
        }
        case "flow-collection": {
          let res = token.start.source;
          for (const item of token.items)
            res += stringifyItem(item);
          for (const st of token.end)
            res += st.source;
          return res;
        }
        case "document": {
          let res = stringifyItem(token);
          if (token.end)
            for (const st of token.end)
              res += st.source;
          return res;
        }
        default: {
          let res = token.source;
          if ("end" in token && token.end)
            for (const st of token.end)
              res += st.source;
          return res;
        }
      }
    }
    function stringifyItem({ start, key, sep, value }) {
      let res = "";
      for (const st of start)
        res += st.source;
      if (key)
        res += stringifyToken(key);
      if (sep)
        for (const st of sep)
          res += st.source;
      if (value)
        res += stringifyToken(value);
      return res;
    }
    exports.stringify = stringify;
  }
});

// node_modules/yaml/dist/parse/cst-visit.js
var require_cst_visit = __commonJS({
  "node_modules/yaml/dist/parse/cst-visit.js"(exports) {
    "use strict";
    var BREAK = /* @__PURE__ */ Symbol("break visit");
    var SKIP = /* @__PURE__ */ Symbol("skip children");
    var REMOVE = /* @__PURE__ */ Symbol("remove item");
    function visit(cst, visitor) {
      if ("type" in cst && cst.type === "document")
        cst = { start: cst.start, value: cst.value };
      _visit(Object.freeze([]), cst, visitor);
    }
    visit.BREAK = BREAK;
    visit.SKIP = SKIP;
    visit.REMOVE = REMOVE;
    visit.itemAtPath = (cst, path) => {
      let item = cst;
      for (const [field, index] of path) {
        const tok = item?.[field];
        if (tok && "items" in tok) {
          item = tok.items[index];
        } else
          return void 0;
      }
      return item;
    };
    visit.parentCollection = (cst, path) => {
      const parent = visit.itemAtPath(cst, path.slice(0, -1));
      const field = path[path.length - 1][0];
      const coll = parent?.[field];
      if (coll && "items" in coll)
        return coll;
      throw new Error("Parent collection not found");
    };
    function _visit(path, item, visitor) {
      let ctrl = visitor(item, path);
      if (typeof ctrl === "symbol")
        return ctrl;
      for (const field of ["key", "value"]) {
        const token = item[field];
        if (token && "items" in token) {
          for (let i = 0; i < token.items.length; ++i) {
            const ci = _visit(Object.freeze(path.concat([[field, i]])), token.items[i], visitor);
            if (typeof ci === "number")
              i = ci - 1;
            else if (ci === BREAK)
              return BREAK;
            else if (ci === REMOVE) {
              token.items.splice(i, 1);
              i -= 1;
            }
          }
          if (typeof ctrl === "function" && field === "key")
            ctrl = ctrl(item, path);
        }
      }
      return typeof ctrl === "function" ? ctrl(item, path) : ctrl;
    }
    exports.visit = visit;
  }
});

// node_modules/yaml/dist/parse/cst.js
var require_cst = __commonJS({
  "node_modules/yaml/dist/parse/cst.js"(exports) {
    "use strict";
    var cstScalar = require_cst_scalar();
    var cstStringify = require_cst_stringify();
    var cstVisit = require_cst_visit();
    var BOM = "\uFEFF";
    var DOCUMENT = "";
    var FLOW_END = "";
    var SCALAR = "";
    var isCollection = (token) => !!token && "items" in token;
    var isScalar = (token) => !!token && (token.type === "scalar" || token.type === "single-quoted-scalar" || token.type === "double-quoted-scalar" || token.type === "block-scalar");
    function prettyToken(token) {
      switch (token) {
        case BOM:
          return "<BOM>";
        case DOCUMENT:
          return "<DOC>";
        case FLOW_END:
          return "<FLOW_END>";
        case SCALAR:
          return "<SCALAR>";
        default:
          return JSON.stringify(token);
      }
    }
    function tokenType(source) {
      switch (source) {
        case BOM:
          return "byte-order-mark";
        case DOCUMENT:
          return "doc-mode";
        case FLOW_END:
          return "flow-error-end";
        case SCALAR:
          return "scalar";
        case "---":
          return "doc-start";
        case "...":
          return "doc-end";
        case "":
        case "\n":
        case "\r\n":
          return "newline";
        case "-":
          return "seq-item-ind";
        case "?":
          return "explicit-key-ind";
        case ":":
          return "map-value-ind";
        case "{":
          return "flow-map-start";
        case "}":
          return "flow-map-end";
        case "[":
          return "flow-seq-start";
        case "]":
          return "flow-seq-end";
        case ",":
          return "comma";
      }
      switch (source[0]) {
        case " ":
        case "	":
          return "space";
        case "#":
          return "comment";
        case "%":
          return "directive-line";
        case "*":
          return "alias";
        case "&":
          return "anchor";
        case "!":
          return "tag";
        case "'":
          return "single-quoted-scalar";
        case '"':
          return "double-quoted-scalar";
        case "|":
        case ">":
          return "block-scalar-header";
      }
      return null;
    }
    exports.createScalarToken = cstScalar.createScalarToken;
    exports.resolveAsScalar = cstScalar.resolveAsScalar;
    exports.setScalarValue = cstScalar.setScalarValue;
    exports.stringify = cstStringify.stringify;
    exports.visit = cstVisit.visit;
    exports.BOM = BOM;
    exports.DOCUMENT = DOCUMENT;
    exports.FLOW_END = FLOW_END;
    exports.SCALAR = SCALAR;
    exports.isCollection = isCollection;
    exports.isScalar = isScalar;
    exports.prettyToken = prettyToken;
    exports.tokenType = tokenType;
  }
});

// node_modules/yaml/dist/parse/lexer.js
var require_lexer = __commonJS({
  "node_modules/yaml/dist/parse/lexer.js"(exports) {
    "use strict";
    var cst = require_cst();
    function isEmpty(ch) {
      switch (ch) {
        case void 0:
        case " ":
        case "\n":
        case "\r":
        case "	":
          return true;
        default:
          return false;
      }
    }
    var hexDigits = new Set("0123456789ABCDEFabcdef");
    var tagChars = new Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-#;/?:@&=+$_.!~*'()");
    var flowIndicatorChars = new Set(",[]{}");
    var invalidAnchorChars = new Set(" ,[]{}\n\r	");
    var isNotAnchorChar = (ch) => !ch || invalidAnchorChars.has(ch);
    var Lexer = class {
      constructor() {
        this.atEnd = false;
        this.blockScalarIndent = -1;
        this.blockScalarKeep = false;
        this.buffer = "";
        this.flowKey = false;
        this.flowLevel = 0;
        this.indentNext = 0;
        this.indentValue = 0;
        this.lineEndPos = null;
        this.next = null;
        this.pos = 0;
      }
      /**
       * Generate YAML tokens from the `source` string. If `incomplete`,
       * a part of the last line may be left as a buffer for the next call.
       *
       * @returns A generator of lexical tokens
       */
      *lex(source, incomplete = false) {
        if (source) {
          if (typeof source !== "string")
            throw TypeError("source is not a string");
          this.buffer = this.buffer ? this.buffer + source : source;
          this.lineEndPos = null;
        }
        this.atEnd = !incomplete;
        let next = this.next ?? "stream";
        while (next && (incomplete || this.hasChars(1)))
          next = yield* this.parseNext(next);
      }
      atLineEnd() {
        let i = this.pos;
        let ch = this.buffer[i];
        while (ch === " " || ch === "	")
          ch = this.buffer[++i];
        if (!ch || ch === "#" || ch === "\n")
          return true;
        if (ch === "\r")
          return this.buffer[i + 1] === "\n";
        return false;
      }
      charAt(n) {
        return this.buffer[this.pos + n];
      }
      continueScalar(offset) {
        let ch = this.buffer[offset];
        if (this.indentNext > 0) {
          let indent = 0;
          while (ch === " ")
            ch = this.buffer[++indent + offset];
          if (ch === "\r") {
            const next = this.buffer[indent + offset + 1];
            if (next === "\n" || !next && !this.atEnd)
              return offset + indent + 1;
          }
          return ch === "\n" || indent >= this.indentNext || !ch && !this.atEnd ? offset + indent : -1;
        }
        if (ch === "-" || ch === ".") {
          const dt = this.buffer.substr(offset, 3);
          if ((dt === "---" || dt === "...") && isEmpty(this.buffer[offset + 3]))
            return -1;
        }
        return offset;
      }
      getLine() {
        let end = this.lineEndPos;
        if (typeof end !== "number" || end !== -1 && end < this.pos) {
          end = this.buffer.indexOf("\n", this.pos);
          this.lineEndPos = end;
        }
        if (end === -1)
          return this.atEnd ? this.buffer.substring(this.pos) : null;
        if (this.buffer[end - 1] === "\r")
          end -= 1;
        return this.buffer.substring(this.pos, end);
      }
      hasChars(n) {
        return this.pos + n <= this.buffer.length;
      }
      setNext(state) {
        this.buffer = this.buffer.substring(this.pos);
        this.pos = 0;
        this.lineEndPos = null;
        this.next = state;
        return null;
      }
      peek(n) {
        return this.buffer.substr(this.pos, n);
      }
      *parseNext(next) {
        switch (next) {
          case "stream":
            return yield* this.parseStream();
          case "line-start":
            return yield* this.parseLineStart();
          case "block-start":
            return yield* this.parseBlockStart();
          case "doc":
            return yield* this.parseDocument();
          case "flow":
            return yield* this.parseFlowCollection();
          case "quoted-scalar":
            return yield* this.parseQuotedScalar();
          case "block-scalar":
            return yield* this.parseBlockScalar();
          case "plain-scalar":
            return yield* this.parsePlainScalar();
        }
      }
      *parseStream() {
        let line = this.getLine();
        if (line === null)
          return this.setNext("stream");
        if (line[0] === cst.BOM) {
          yield* this.pushCount(1);
          line = line.substring(1);
        }
        if (line[0] === "%") {
          let dirEnd = line.length;
          let cs = line.indexOf("#");
          while (cs !== -1) {
            const ch = line[cs - 1];
            if (ch === " " || ch === "	") {
              dirEnd = cs - 1;
              break;
            } else {
              cs = line.indexOf("#", cs + 1);
            }
          }
          while (true) {
            const ch = line[dirEnd - 1];
            if (ch === " " || ch === "	")
              dirEnd -= 1;
            else
              break;
          }
          const n = (yield* this.pushCount(dirEnd)) + (yield* this.pushSpaces(true));
          yield* this.pushCount(line.length - n);
          this.pushNewline();
          return "stream";
        }
        if (this.atLineEnd()) {
          const sp = yield* this.pushSpaces(true);
          yield* this.pushCount(line.length - sp);
          yield* this.pushNewline();
          return "stream";
        }
        yield cst.DOCUMENT;
        return yield* this.parseLineStart();
      }
      *parseLineStart() {
        const ch = this.charAt(0);
        if (!ch && !this.atEnd)
          return this.setNext("line-start");
        if (ch === "-" || ch === ".") {
          if (!this.atEnd && !this.hasChars(4))
            return this.setNext("line-start");
          const s = this.peek(3);
          if ((s === "---" || s === "...") && isEmpty(this.charAt(3))) {
            yield* this.pushCount(3);
            this.indentValue = 0;
            this.indentNext = 0;
            return s === "---" ? "doc" : "stream";
          }
        }
        this.indentValue = yield* this.pushSpaces(false);
        if (this.indentNext > this.indentValue && !isEmpty(this.charAt(1)))
          this.indentNext = this.indentValue;
        return yield* this.parseBlockStart();
      }
      *parseBlockStart() {
        const [ch0, ch1] = this.peek(2);
        if (!ch1 && !this.atEnd)
          return this.setNext("block-start");
        if ((ch0 === "-" || ch0 === "?" || ch0 === ":") && isEmpty(ch1)) {
          const n = (yield* this.pushCount(1)) + (yield* this.pushSpaces(true));
          this.indentNext = this.indentValue + 1;
          this.indentValue += n;
          return "block-start";
        }
        return "doc";
      }
      *parseDocument() {
        yield* this.pushSpaces(true);
        const line = this.getLine();
        if (line === null)
          return this.setNext("doc");
        let n = yield* this.pushIndicators();
        switch (line[n]) {
          case "#":
            yield* this.pushCount(line.length - n);
          // fallthrough
          case void 0:
            yield* this.pushNewline();
            return yield* this.parseLineStart();
          case "{":
          case "[":
            yield* this.pushCount(1);
            this.flowKey = false;
            this.flowLevel = 1;
            return "flow";
          case "}":
          case "]":
            yield* this.pushCount(1);
            return "doc";
          case "*":
            yield* this.pushUntil(isNotAnchorChar);
            return "doc";
          case '"':
          case "'":
            return yield* this.parseQuotedScalar();
          case "|":
          case ">":
            n += yield* this.parseBlockScalarHeader();
            n += yield* this.pushSpaces(true);
            yield* this.pushCount(line.length - n);
            yield* this.pushNewline();
            return yield* this.parseBlockScalar();
          default:
            return yield* this.parsePlainScalar();
        }
      }
      *parseFlowCollection() {
        let nl, sp;
        let indent = -1;
        do {
          nl = yield* this.pushNewline();
          if (nl > 0) {
            sp = yield* this.pushSpaces(false);
            this.indentValue = indent = sp;
          } else {
            sp = 0;
          }
          sp += yield* this.pushSpaces(true);
        } while (nl + sp > 0);
        const line = this.getLine();
        if (line === null)
          return this.setNext("flow");
        if (indent !== -1 && indent < this.indentNext && line[0] !== "#" || indent === 0 && (line.startsWith("---") || line.startsWith("...")) && isEmpty(line[3])) {
          const atFlowEndMarker = indent === this.indentNext - 1 && this.flowLevel === 1 && (line[0] === "]" || line[0] === "}");
          if (!atFlowEndMarker) {
            this.flowLevel = 0;
            yield cst.FLOW_END;
            return yield* this.parseLineStart();
          }
        }
        let n = 0;
        while (line[n] === ",") {
          n += yield* this.pushCount(1);
          n += yield* this.pushSpaces(true);
          this.flowKey = false;
        }
        n += yield* this.pushIndicators();
        switch (line[n]) {
          case void 0:
            return "flow";
          case "#":
            yield* this.pushCount(line.length - n);
            return "flow";
          case "{":
          case "[":
            yield* this.pushCount(1);
            this.flowKey = false;
            this.flowLevel += 1;
            return "flow";
          case "}":
          case "]":
            yield* this.pushCount(1);
            this.flowKey = true;
            this.flowLevel -= 1;
            return this.flowLevel ? "flow" : "doc";
          case "*":
            yield* this.pushUntil(isNotAnchorChar);
            return "flow";
          case '"':
          case "'":
            this.flowKey = true;
            return yield* this.parseQuotedScalar();
          case ":": {
            const next = this.charAt(1);
            if (this.flowKey || isEmpty(next) || next === ",") {
              this.flowKey = false;
              yield* this.pushCount(1);
              yield* this.pushSpaces(true);
              return "flow";
            }
          }
          // fallthrough
          default:
            this.flowKey = false;
            return yield* this.parsePlainScalar();
        }
      }
      *parseQuotedScalar() {
        const quote = this.charAt(0);
        let end = this.buffer.indexOf(quote, this.pos + 1);
        if (quote === "'") {
          while (end !== -1 && this.buffer[end + 1] === "'")
            end = this.buffer.indexOf("'", end + 2);
        } else {
          while (end !== -1) {
            let n = 0;
            while (this.buffer[end - 1 - n] === "\\")
              n += 1;
            if (n % 2 === 0)
              break;
            end = this.buffer.indexOf('"', end + 1);
          }
        }
        const qb = this.buffer.substring(0, end);
        let nl = qb.indexOf("\n", this.pos);
        if (nl !== -1) {
          while (nl !== -1) {
            const cs = this.continueScalar(nl + 1);
            if (cs === -1)
              break;
            nl = qb.indexOf("\n", cs);
          }
          if (nl !== -1) {
            end = nl - (qb[nl - 1] === "\r" ? 2 : 1);
          }
        }
        if (end === -1) {
          if (!this.atEnd)
            return this.setNext("quoted-scalar");
          end = this.buffer.length;
        }
        yield* this.pushToIndex(end + 1, false);
        return this.flowLevel ? "flow" : "doc";
      }
      *parseBlockScalarHeader() {
        this.blockScalarIndent = -1;
        this.blockScalarKeep = false;
        let i = this.pos;
        while (true) {
          const ch = this.buffer[++i];
          if (ch === "+")
            this.blockScalarKeep = true;
          else if (ch > "0" && ch <= "9")
            this.blockScalarIndent = Number(ch) - 1;
          else if (ch !== "-")
            break;
        }
        return yield* this.pushUntil((ch) => isEmpty(ch) || ch === "#");
      }
      *parseBlockScalar() {
        let nl = this.pos - 1;
        let indent = 0;
        let ch;
        loop: for (let i2 = this.pos; ch = this.buffer[i2]; ++i2) {
          switch (ch) {
            case " ":
              indent += 1;
              break;
            case "\n":
              nl = i2;
              indent = 0;
              break;
            case "\r": {
              const next = this.buffer[i2 + 1];
              if (!next && !this.atEnd)
                return this.setNext("block-scalar");
              if (next === "\n")
                break;
            }
            // fallthrough
            default:
              break loop;
          }
        }
        if (!ch && !this.atEnd)
          return this.setNext("block-scalar");
        if (indent >= this.indentNext) {
          if (this.blockScalarIndent === -1)
            this.indentNext = indent;
          else {
            this.indentNext = this.blockScalarIndent + (this.indentNext === 0 ? 1 : this.indentNext);
          }
          do {
            const cs = this.continueScalar(nl + 1);
            if (cs === -1)
              break;
            nl = this.buffer.indexOf("\n", cs);
          } while (nl !== -1);
          if (nl === -1) {
            if (!this.atEnd)
              return this.setNext("block-scalar");
            nl = this.buffer.length;
          }
        }
        let i = nl + 1;
        ch = this.buffer[i];
        while (ch === " ")
          ch = this.buffer[++i];
        if (ch === "	") {
          while (ch === "	" || ch === " " || ch === "\r" || ch === "\n")
            ch = this.buffer[++i];
          nl = i - 1;
        } else if (!this.blockScalarKeep) {
          do {
            let i2 = nl - 1;
            let ch2 = this.buffer[i2];
            if (ch2 === "\r")
              ch2 = this.buffer[--i2];
            const lastChar = i2;
            while (ch2 === " ")
              ch2 = this.buffer[--i2];
            if (ch2 === "\n" && i2 >= this.pos && i2 + 1 + indent > lastChar)
              nl = i2;
            else
              break;
          } while (true);
        }
        yield cst.SCALAR;
        yield* this.pushToIndex(nl + 1, true);
        return yield* this.parseLineStart();
      }
      *parsePlainScalar() {
        const inFlow = this.flowLevel > 0;
        let end = this.pos - 1;
        let i = this.pos - 1;
        let ch;
        while (ch = this.buffer[++i]) {
          if (ch === ":") {
            const next = this.buffer[i + 1];
            if (isEmpty(next) || inFlow && flowIndicatorChars.has(next))
              break;
            end = i;
          } else if (isEmpty(ch)) {
            let next = this.buffer[i + 1];
            if (ch === "\r") {
              if (next === "\n") {
                i += 1;
                ch = "\n";
                next = this.buffer[i + 1];
              } else
                end = i;
            }
            if (next === "#" || inFlow && flowIndicatorChars.has(next))
              break;
            if (ch === "\n") {
              const cs = this.continueScalar(i + 1);
              if (cs === -1)
                break;
              i = Math.max(i, cs - 2);
            }
          } else {
            if (inFlow && flowIndicatorChars.has(ch))
              break;
            end = i;
          }
        }
        if (!ch && !this.atEnd)
          return this.setNext("plain-scalar");
        yield cst.SCALAR;
        yield* this.pushToIndex(end + 1, true);
        return inFlow ? "flow" : "doc";
      }
      *pushCount(n) {
        if (n > 0) {
          yield this.buffer.substr(this.pos, n);
          this.pos += n;
          return n;
        }
        return 0;
      }
      *pushToIndex(i, allowEmpty) {
        const s = this.buffer.slice(this.pos, i);
        if (s) {
          yield s;
          this.pos += s.length;
          return s.length;
        } else if (allowEmpty)
          yield "";
        return 0;
      }
      *pushIndicators() {
        let n = 0;
        loop: while (true) {
          switch (this.charAt(0)) {
            case "!":
              n += yield* this.pushTag();
              n += yield* this.pushSpaces(true);
              continue loop;
            case "&":
              n += yield* this.pushUntil(isNotAnchorChar);
              n += yield* this.pushSpaces(true);
              continue loop;
            case "-":
            // this is an error
            case "?":
            // this is an error outside flow collections
            case ":": {
              const inFlow = this.flowLevel > 0;
              const ch1 = this.charAt(1);
              if (isEmpty(ch1) || inFlow && flowIndicatorChars.has(ch1)) {
                if (!inFlow)
                  this.indentNext = this.indentValue + 1;
                else if (this.flowKey)
                  this.flowKey = false;
                n += yield* this.pushCount(1);
                n += yield* this.pushSpaces(true);
                continue loop;
              }
            }
          }
          break loop;
        }
        return n;
      }
      *pushTag() {
        if (this.charAt(1) === "<") {
          let i = this.pos + 2;
          let ch = this.buffer[i];
          while (!isEmpty(ch) && ch !== ">")
            ch = this.buffer[++i];
          return yield* this.pushToIndex(ch === ">" ? i + 1 : i, false);
        } else {
          let i = this.pos + 1;
          let ch = this.buffer[i];
          while (ch) {
            if (tagChars.has(ch))
              ch = this.buffer[++i];
            else if (ch === "%" && hexDigits.has(this.buffer[i + 1]) && hexDigits.has(this.buffer[i + 2])) {
              ch = this.buffer[i += 3];
            } else
              break;
          }
          return yield* this.pushToIndex(i, false);
        }
      }
      *pushNewline() {
        const ch = this.buffer[this.pos];
        if (ch === "\n")
          return yield* this.pushCount(1);
        else if (ch === "\r" && this.charAt(1) === "\n")
          return yield* this.pushCount(2);
        else
          return 0;
      }
      *pushSpaces(allowTabs) {
        let i = this.pos - 1;
        let ch;
        do {
          ch = this.buffer[++i];
        } while (ch === " " || allowTabs && ch === "	");
        const n = i - this.pos;
        if (n > 0) {
          yield this.buffer.substr(this.pos, n);
          this.pos = i;
        }
        return n;
      }
      *pushUntil(test) {
        let i = this.pos;
        let ch = this.buffer[i];
        while (!test(ch))
          ch = this.buffer[++i];
        return yield* this.pushToIndex(i, false);
      }
    };
    exports.Lexer = Lexer;
  }
});

// node_modules/yaml/dist/parse/line-counter.js
var require_line_counter = __commonJS({
  "node_modules/yaml/dist/parse/line-counter.js"(exports) {
    "use strict";
    var LineCounter = class {
      constructor() {
        this.lineStarts = [];
        this.addNewLine = (offset) => this.lineStarts.push(offset);
        this.linePos = (offset) => {
          let low = 0;
          let high = this.lineStarts.length;
          while (low < high) {
            const mid = low + high >> 1;
            if (this.lineStarts[mid] < offset)
              low = mid + 1;
            else
              high = mid;
          }
          if (this.lineStarts[low] === offset)
            return { line: low + 1, col: 1 };
          if (low === 0)
            return { line: 0, col: offset };
          const start = this.lineStarts[low - 1];
          return { line: low, col: offset - start + 1 };
        };
      }
    };
    exports.LineCounter = LineCounter;
  }
});

// node_modules/yaml/dist/parse/parser.js
var require_parser = __commonJS({
  "node_modules/yaml/dist/parse/parser.js"(exports) {
    "use strict";
    var node_process = __require("process");
    var cst = require_cst();
    var lexer = require_lexer();
    function includesToken(list, type) {
      for (let i = 0; i < list.length; ++i)
        if (list[i].type === type)
          return true;
      return false;
    }
    function findNonEmptyIndex(list) {
      for (let i = 0; i < list.length; ++i) {
        switch (list[i].type) {
          case "space":
          case "comment":
          case "newline":
            break;
          default:
            return i;
        }
      }
      return -1;
    }
    function isFlowToken(token) {
      switch (token?.type) {
        case "alias":
        case "scalar":
        case "single-quoted-scalar":
        case "double-quoted-scalar":
        case "flow-collection":
          return true;
        default:
          return false;
      }
    }
    function getPrevProps(parent) {
      switch (parent.type) {
        case "document":
          return parent.start;
        case "block-map": {
          const it = parent.items[parent.items.length - 1];
          return it.sep ?? it.start;
        }
        case "block-seq":
          return parent.items[parent.items.length - 1].start;
        /* istanbul ignore next should not happen */
        default:
          return [];
      }
    }
    function getFirstKeyStartProps(prev) {
      if (prev.length === 0)
        return [];
      let i = prev.length;
      loop: while (--i >= 0) {
        switch (prev[i].type) {
          case "doc-start":
          case "explicit-key-ind":
          case "map-value-ind":
          case "seq-item-ind":
          case "newline":
            break loop;
        }
      }
      while (prev[++i]?.type === "space") {
      }
      return prev.splice(i, prev.length);
    }
    function arrayPushArray(target, source) {
      if (source.length < 1e5)
        Array.prototype.push.apply(target, source);
      else
        for (let i = 0; i < source.length; ++i)
          target.push(source[i]);
    }
    function fixFlowSeqItems(fc) {
      if (fc.start.type === "flow-seq-start") {
        for (const it of fc.items) {
          if (it.sep && !it.value && !includesToken(it.start, "explicit-key-ind") && !includesToken(it.sep, "map-value-ind")) {
            if (it.key)
              it.value = it.key;
            delete it.key;
            if (isFlowToken(it.value)) {
              if (it.value.end)
                arrayPushArray(it.value.end, it.sep);
              else
                it.value.end = it.sep;
            } else
              arrayPushArray(it.start, it.sep);
            delete it.sep;
          }
        }
      }
    }
    var Parser = class {
      /**
       * @param onNewLine - If defined, called separately with the start position of
       *   each new line (in `parse()`, including the start of input).
       */
      constructor(onNewLine) {
        this.atNewLine = true;
        this.atScalar = false;
        this.indent = 0;
        this.offset = 0;
        this.onKeyLine = false;
        this.stack = [];
        this.source = "";
        this.type = "";
        this.lexer = new lexer.Lexer();
        this.onNewLine = onNewLine;
      }
      /**
       * Parse `source` as a YAML stream.
       * If `incomplete`, a part of the last line may be left as a buffer for the next call.
       *
       * Errors are not thrown, but yielded as `{ type: 'error', message }` tokens.
       *
       * @returns A generator of tokens representing each directive, document, and other structure.
       */
      *parse(source, incomplete = false) {
        if (this.onNewLine && this.offset === 0)
          this.onNewLine(0);
        for (const lexeme of this.lexer.lex(source, incomplete))
          yield* this.next(lexeme);
        if (!incomplete)
          yield* this.end();
      }
      /**
       * Advance the parser by the `source` of one lexical token.
       */
      *next(source) {
        this.source = source;
        if (node_process.env.LOG_TOKENS)
          console.log("|", cst.prettyToken(source));
        if (this.atScalar) {
          this.atScalar = false;
          yield* this.step();
          this.offset += source.length;
          return;
        }
        const type = cst.tokenType(source);
        if (!type) {
          const message2 = `Not a YAML token: ${source}`;
          yield* this.pop({ type: "error", offset: this.offset, message: message2, source });
          this.offset += source.length;
        } else if (type === "scalar") {
          this.atNewLine = false;
          this.atScalar = true;
          this.type = "scalar";
        } else {
          this.type = type;
          yield* this.step();
          switch (type) {
            case "newline":
              this.atNewLine = true;
              this.indent = 0;
              if (this.onNewLine)
                this.onNewLine(this.offset + source.length);
              break;
            case "space":
              if (this.atNewLine && source[0] === " ")
                this.indent += source.length;
              break;
            case "explicit-key-ind":
            case "map-value-ind":
            case "seq-item-ind":
              if (this.atNewLine)
                this.indent += source.length;
              break;
            case "doc-mode":
            case "flow-error-end":
              return;
            default:
              this.atNewLine = false;
          }
          this.offset += source.length;
        }
      }
      /** Call at end of input to push out any remaining constructions */
      *end() {
        while (this.stack.length > 0)
          yield* this.pop();
      }
      get sourceToken() {
        const st = {
          type: this.type,
          offset: this.offset,
          indent: this.indent,
          source: this.source
        };
        return st;
      }
      *step() {
        const top = this.peek(1);
        if (this.type === "doc-end" && top?.type !== "doc-end") {
          while (this.stack.length > 0)
            yield* this.pop();
          this.stack.push({
            type: "doc-end",
            offset: this.offset,
            source: this.source
          });
          return;
        }
        if (!top)
          return yield* this.stream();
        switch (top.type) {
          case "document":
            return yield* this.document(top);
          case "alias":
          case "scalar":
          case "single-quoted-scalar":
          case "double-quoted-scalar":
            return yield* this.scalar(top);
          case "block-scalar":
            return yield* this.blockScalar(top);
          case "block-map":
            return yield* this.blockMap(top);
          case "block-seq":
            return yield* this.blockSequence(top);
          case "flow-collection":
            return yield* this.flowCollection(top);
          case "doc-end":
            return yield* this.documentEnd(top);
        }
        yield* this.pop();
      }
      peek(n) {
        return this.stack[this.stack.length - n];
      }
      *pop(error) {
        const token = error ?? this.stack.pop();
        if (!token) {
          const message2 = "Tried to pop an empty stack";
          yield { type: "error", offset: this.offset, source: "", message: message2 };
        } else if (this.stack.length === 0) {
          yield token;
        } else {
          const top = this.peek(1);
          if (token.type === "block-scalar") {
            token.indent = "indent" in top ? top.indent : 0;
          } else if (token.type === "flow-collection" && top.type === "document") {
            token.indent = 0;
          }
          if (token.type === "flow-collection")
            fixFlowSeqItems(token);
          switch (top.type) {
            case "document":
              top.value = token;
              break;
            case "block-scalar":
              top.props.push(token);
              break;
            case "block-map": {
              const it = top.items[top.items.length - 1];
              if (it.value) {
                top.items.push({ start: [], key: token, sep: [] });
                this.onKeyLine = true;
                return;
              } else if (it.sep) {
                it.value = token;
              } else {
                Object.assign(it, { key: token, sep: [] });
                this.onKeyLine = !it.explicitKey;
                return;
              }
              break;
            }
            case "block-seq": {
              const it = top.items[top.items.length - 1];
              if (it.value)
                top.items.push({ start: [], value: token });
              else
                it.value = token;
              break;
            }
            case "flow-collection": {
              const it = top.items[top.items.length - 1];
              if (!it || it.value)
                top.items.push({ start: [], key: token, sep: [] });
              else if (it.sep)
                it.value = token;
              else
                Object.assign(it, { key: token, sep: [] });
              return;
            }
            /* istanbul ignore next should not happen */
            default:
              yield* this.pop();
              yield* this.pop(token);
          }
          if ((top.type === "document" || top.type === "block-map" || top.type === "block-seq") && (token.type === "block-map" || token.type === "block-seq")) {
            const last = token.items[token.items.length - 1];
            if (last && !last.sep && !last.value && last.start.length > 0 && findNonEmptyIndex(last.start) === -1 && (token.indent === 0 || last.start.every((st) => st.type !== "comment" || st.indent < token.indent))) {
              if (top.type === "document")
                top.end = last.start;
              else
                top.items.push({ start: last.start });
              token.items.splice(-1, 1);
            }
          }
        }
      }
      *stream() {
        switch (this.type) {
          case "directive-line":
            yield { type: "directive", offset: this.offset, source: this.source };
            return;
          case "byte-order-mark":
          case "space":
          case "comment":
          case "newline":
            yield this.sourceToken;
            return;
          case "doc-mode":
          case "doc-start": {
            const doc = {
              type: "document",
              offset: this.offset,
              start: []
            };
            if (this.type === "doc-start")
              doc.start.push(this.sourceToken);
            this.stack.push(doc);
            return;
          }
        }
        yield {
          type: "error",
          offset: this.offset,
          message: `Unexpected ${this.type} token in YAML stream`,
          source: this.source
        };
      }
      *document(doc) {
        if (doc.value)
          return yield* this.lineEnd(doc);
        switch (this.type) {
          case "doc-start": {
            if (findNonEmptyIndex(doc.start) !== -1) {
              yield* this.pop();
              yield* this.step();
            } else
              doc.start.push(this.sourceToken);
            return;
          }
          case "anchor":
          case "tag":
          case "space":
          case "comment":
          case "newline":
            doc.start.push(this.sourceToken);
            return;
        }
        const bv = this.startBlockValue(doc);
        if (bv)
          this.stack.push(bv);
        else {
          yield {
            type: "error",
            offset: this.offset,
            message: `Unexpected ${this.type} token in YAML document`,
            source: this.source
          };
        }
      }
      *scalar(scalar) {
        if (this.type === "map-value-ind") {
          const prev = getPrevProps(this.peek(2));
          const start = getFirstKeyStartProps(prev);
          let sep;
          if (scalar.end) {
            sep = scalar.end;
            sep.push(this.sourceToken);
            delete scalar.end;
          } else
            sep = [this.sourceToken];
          const map = {
            type: "block-map",
            offset: scalar.offset,
            indent: scalar.indent,
            items: [{ start, key: scalar, sep }]
          };
          this.onKeyLine = true;
          this.stack[this.stack.length - 1] = map;
        } else
          yield* this.lineEnd(scalar);
      }
      *blockScalar(scalar) {
        switch (this.type) {
          case "space":
          case "comment":
          case "newline":
            scalar.props.push(this.sourceToken);
            return;
          case "scalar":
            scalar.source = this.source;
            this.atNewLine = true;
            this.indent = 0;
            if (this.onNewLine) {
              let nl = this.source.indexOf("\n") + 1;
              while (nl !== 0) {
                this.onNewLine(this.offset + nl);
                nl = this.source.indexOf("\n", nl) + 1;
              }
            }
            yield* this.pop();
            break;
          /* istanbul ignore next should not happen */
          default:
            yield* this.pop();
            yield* this.step();
        }
      }
      *blockMap(map) {
        const it = map.items[map.items.length - 1];
        switch (this.type) {
          case "newline":
            this.onKeyLine = false;
            if (it.value) {
              const end = "end" in it.value ? it.value.end : void 0;
              const last = Array.isArray(end) ? end[end.length - 1] : void 0;
              if (last?.type === "comment")
                end?.push(this.sourceToken);
              else
                map.items.push({ start: [this.sourceToken] });
            } else if (it.sep) {
              it.sep.push(this.sourceToken);
            } else {
              it.start.push(this.sourceToken);
            }
            return;
          case "space":
          case "comment":
            if (it.value) {
              map.items.push({ start: [this.sourceToken] });
            } else if (it.sep) {
              it.sep.push(this.sourceToken);
            } else {
              if (this.atIndentedComment(it.start, map.indent)) {
                const prev = map.items[map.items.length - 2];
                const end = prev?.value?.end;
                if (Array.isArray(end)) {
                  arrayPushArray(end, it.start);
                  end.push(this.sourceToken);
                  map.items.pop();
                  return;
                }
              }
              it.start.push(this.sourceToken);
            }
            return;
        }
        if (this.indent >= map.indent) {
          const atMapIndent = !this.onKeyLine && this.indent === map.indent;
          const atNextItem = atMapIndent && (it.sep || it.explicitKey) && this.type !== "seq-item-ind";
          let start = [];
          if (atNextItem && it.sep && !it.value) {
            const nl = [];
            for (let i = 0; i < it.sep.length; ++i) {
              const st = it.sep[i];
              switch (st.type) {
                case "newline":
                  nl.push(i);
                  break;
                case "space":
                  break;
                case "comment":
                  if (st.indent > map.indent)
                    nl.length = 0;
                  break;
                default:
                  nl.length = 0;
              }
            }
            if (nl.length >= 2)
              start = it.sep.splice(nl[1]);
          }
          switch (this.type) {
            case "anchor":
            case "tag":
              if (atNextItem || it.value) {
                start.push(this.sourceToken);
                map.items.push({ start });
                this.onKeyLine = true;
              } else if (it.sep) {
                it.sep.push(this.sourceToken);
              } else {
                it.start.push(this.sourceToken);
              }
              return;
            case "explicit-key-ind":
              if (!it.sep && !it.explicitKey) {
                it.start.push(this.sourceToken);
                it.explicitKey = true;
              } else if (atNextItem || it.value) {
                start.push(this.sourceToken);
                map.items.push({ start, explicitKey: true });
              } else {
                this.stack.push({
                  type: "block-map",
                  offset: this.offset,
                  indent: this.indent,
                  items: [{ start: [this.sourceToken], explicitKey: true }]
                });
              }
              this.onKeyLine = true;
              return;
            case "map-value-ind":
              if (it.explicitKey) {
                if (!it.sep) {
                  if (includesToken(it.start, "newline")) {
                    Object.assign(it, { key: null, sep: [this.sourceToken] });
                  } else {
                    const start2 = getFirstKeyStartProps(it.start);
                    this.stack.push({
                      type: "block-map",
                      offset: this.offset,
                      indent: this.indent,
                      items: [{ start: start2, key: null, sep: [this.sourceToken] }]
                    });
                  }
                } else if (it.value) {
                  map.items.push({ start: [], key: null, sep: [this.sourceToken] });
                } else if (includesToken(it.sep, "map-value-ind")) {
                  this.stack.push({
                    type: "block-map",
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, key: null, sep: [this.sourceToken] }]
                  });
                } else if (isFlowToken(it.key) && !includesToken(it.sep, "newline")) {
                  const start2 = getFirstKeyStartProps(it.start);
                  const key = it.key;
                  const sep = it.sep;
                  sep.push(this.sourceToken);
                  delete it.key;
                  delete it.sep;
                  this.stack.push({
                    type: "block-map",
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start: start2, key, sep }]
                  });
                } else if (start.length > 0) {
                  it.sep = it.sep.concat(start, this.sourceToken);
                } else {
                  it.sep.push(this.sourceToken);
                }
              } else {
                if (!it.sep) {
                  Object.assign(it, { key: null, sep: [this.sourceToken] });
                } else if (it.value || atNextItem) {
                  map.items.push({ start, key: null, sep: [this.sourceToken] });
                } else if (includesToken(it.sep, "map-value-ind")) {
                  this.stack.push({
                    type: "block-map",
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start: [], key: null, sep: [this.sourceToken] }]
                  });
                } else {
                  it.sep.push(this.sourceToken);
                }
              }
              this.onKeyLine = true;
              return;
            case "alias":
            case "scalar":
            case "single-quoted-scalar":
            case "double-quoted-scalar": {
              const fs = this.flowScalar(this.type);
              if (atNextItem || it.value) {
                map.items.push({ start, key: fs, sep: [] });
                this.onKeyLine = true;
              } else if (it.sep) {
                this.stack.push(fs);
              } else {
                Object.assign(it, { key: fs, sep: [] });
                this.onKeyLine = true;
              }
              return;
            }
            default: {
              const bv = this.startBlockValue(map);
              if (bv) {
                if (bv.type === "block-seq") {
                  if (!it.explicitKey && it.sep && !includesToken(it.sep, "newline")) {
                    yield* this.pop({
                      type: "error",
                      offset: this.offset,
                      message: "Unexpected block-seq-ind on same line with key",
                      source: this.source
                    });
                    return;
                  }
                } else if (atMapIndent) {
                  map.items.push({ start });
                }
                this.stack.push(bv);
                return;
              }
            }
          }
        }
        yield* this.pop();
        yield* this.step();
      }
      *blockSequence(seq) {
        const it = seq.items[seq.items.length - 1];
        switch (this.type) {
          case "newline":
            if (it.value) {
              const end = "end" in it.value ? it.value.end : void 0;
              const last = Array.isArray(end) ? end[end.length - 1] : void 0;
              if (last?.type === "comment")
                end?.push(this.sourceToken);
              else
                seq.items.push({ start: [this.sourceToken] });
            } else
              it.start.push(this.sourceToken);
            return;
          case "space":
          case "comment":
            if (it.value)
              seq.items.push({ start: [this.sourceToken] });
            else {
              if (this.atIndentedComment(it.start, seq.indent)) {
                const prev = seq.items[seq.items.length - 2];
                const end = prev?.value?.end;
                if (Array.isArray(end)) {
                  arrayPushArray(end, it.start);
                  end.push(this.sourceToken);
                  seq.items.pop();
                  return;
                }
              }
              it.start.push(this.sourceToken);
            }
            return;
          case "anchor":
          case "tag":
            if (it.value || this.indent <= seq.indent)
              break;
            it.start.push(this.sourceToken);
            return;
          case "seq-item-ind":
            if (this.indent !== seq.indent)
              break;
            if (it.value || includesToken(it.start, "seq-item-ind"))
              seq.items.push({ start: [this.sourceToken] });
            else
              it.start.push(this.sourceToken);
            return;
        }
        if (this.indent > seq.indent) {
          const bv = this.startBlockValue(seq);
          if (bv) {
            this.stack.push(bv);
            return;
          }
        }
        yield* this.pop();
        yield* this.step();
      }
      *flowCollection(fc) {
        const it = fc.items[fc.items.length - 1];
        if (this.type === "flow-error-end") {
          let top;
          do {
            yield* this.pop();
            top = this.peek(1);
          } while (top?.type === "flow-collection");
        } else if (fc.end.length === 0) {
          switch (this.type) {
            case "comma":
            case "explicit-key-ind":
              if (!it || it.sep)
                fc.items.push({ start: [this.sourceToken] });
              else
                it.start.push(this.sourceToken);
              return;
            case "map-value-ind":
              if (!it || it.value)
                fc.items.push({ start: [], key: null, sep: [this.sourceToken] });
              else if (it.sep)
                it.sep.push(this.sourceToken);
              else
                Object.assign(it, { key: null, sep: [this.sourceToken] });
              return;
            case "space":
            case "comment":
            case "newline":
            case "anchor":
            case "tag":
              if (!it || it.value)
                fc.items.push({ start: [this.sourceToken] });
              else if (it.sep)
                it.sep.push(this.sourceToken);
              else
                it.start.push(this.sourceToken);
              return;
            case "alias":
            case "scalar":
            case "single-quoted-scalar":
            case "double-quoted-scalar": {
              const fs = this.flowScalar(this.type);
              if (!it || it.value)
                fc.items.push({ start: [], key: fs, sep: [] });
              else if (it.sep)
                this.stack.push(fs);
              else
                Object.assign(it, { key: fs, sep: [] });
              return;
            }
            case "flow-map-end":
            case "flow-seq-end":
              fc.end.push(this.sourceToken);
              return;
          }
          const bv = this.startBlockValue(fc);
          if (bv)
            this.stack.push(bv);
          else {
            yield* this.pop();
            yield* this.step();
          }
        } else {
          const parent = this.peek(2);
          if (parent.type === "block-map" && (this.type === "map-value-ind" && parent.indent === fc.indent || this.type === "newline" && !parent.items[parent.items.length - 1].sep)) {
            yield* this.pop();
            yield* this.step();
          } else if (this.type === "map-value-ind" && parent.type !== "flow-collection") {
            const prev = getPrevProps(parent);
            const start = getFirstKeyStartProps(prev);
            fixFlowSeqItems(fc);
            const sep = fc.end.splice(1, fc.end.length);
            sep.push(this.sourceToken);
            const map = {
              type: "block-map",
              offset: fc.offset,
              indent: fc.indent,
              items: [{ start, key: fc, sep }]
            };
            this.onKeyLine = true;
            this.stack[this.stack.length - 1] = map;
          } else {
            yield* this.lineEnd(fc);
          }
        }
      }
      flowScalar(type) {
        if (this.onNewLine) {
          let nl = this.source.indexOf("\n") + 1;
          while (nl !== 0) {
            this.onNewLine(this.offset + nl);
            nl = this.source.indexOf("\n", nl) + 1;
          }
        }
        return {
          type,
          offset: this.offset,
          indent: this.indent,
          source: this.source
        };
      }
      startBlockValue(parent) {
        switch (this.type) {
          case "alias":
          case "scalar":
          case "single-quoted-scalar":
          case "double-quoted-scalar":
            return this.flowScalar(this.type);
          case "block-scalar-header":
            return {
              type: "block-scalar",
              offset: this.offset,
              indent: this.indent,
              props: [this.sourceToken],
              source: ""
            };
          case "flow-map-start":
          case "flow-seq-start":
            return {
              type: "flow-collection",
              offset: this.offset,
              indent: this.indent,
              start: this.sourceToken,
              items: [],
              end: []
            };
          case "seq-item-ind":
            return {
              type: "block-seq",
              offset: this.offset,
              indent: this.indent,
              items: [{ start: [this.sourceToken] }]
            };
          case "explicit-key-ind": {
            this.onKeyLine = true;
            const prev = getPrevProps(parent);
            const start = getFirstKeyStartProps(prev);
            start.push(this.sourceToken);
            return {
              type: "block-map",
              offset: this.offset,
              indent: this.indent,
              items: [{ start, explicitKey: true }]
            };
          }
          case "map-value-ind": {
            this.onKeyLine = true;
            const prev = getPrevProps(parent);
            const start = getFirstKeyStartProps(prev);
            return {
              type: "block-map",
              offset: this.offset,
              indent: this.indent,
              items: [{ start, key: null, sep: [this.sourceToken] }]
            };
          }
        }
        return null;
      }
      atIndentedComment(start, indent) {
        if (this.type !== "comment")
          return false;
        if (this.indent <= indent)
          return false;
        return start.every((st) => st.type === "newline" || st.type === "space");
      }
      *documentEnd(docEnd) {
        if (this.type !== "doc-mode") {
          if (docEnd.end)
            docEnd.end.push(this.sourceToken);
          else
            docEnd.end = [this.sourceToken];
          if (this.type === "newline")
            yield* this.pop();
        }
      }
      *lineEnd(token) {
        switch (this.type) {
          case "comma":
          case "doc-start":
          case "doc-end":
          case "flow-seq-end":
          case "flow-map-end":
          case "map-value-ind":
            yield* this.pop();
            yield* this.step();
            break;
          case "newline":
            this.onKeyLine = false;
          // fallthrough
          case "space":
          case "comment":
          default:
            if (token.end)
              token.end.push(this.sourceToken);
            else
              token.end = [this.sourceToken];
            if (this.type === "newline")
              yield* this.pop();
        }
      }
    };
    exports.Parser = Parser;
  }
});

// node_modules/yaml/dist/public-api.js
var require_public_api = __commonJS({
  "node_modules/yaml/dist/public-api.js"(exports) {
    "use strict";
    var composer = require_composer();
    var Document = require_Document();
    var errors = require_errors();
    var log = require_log();
    var identity = require_identity();
    var lineCounter = require_line_counter();
    var parser = require_parser();
    function parseOptions(options2) {
      const prettyErrors = options2.prettyErrors !== false;
      const lineCounter$1 = options2.lineCounter || prettyErrors && new lineCounter.LineCounter() || null;
      return { lineCounter: lineCounter$1, prettyErrors };
    }
    function parseAllDocuments2(source, options2 = {}) {
      const { lineCounter: lineCounter2, prettyErrors } = parseOptions(options2);
      const parser$1 = new parser.Parser(lineCounter2?.addNewLine);
      const composer$1 = new composer.Composer(options2);
      const docs = Array.from(composer$1.compose(parser$1.parse(source)));
      if (prettyErrors && lineCounter2)
        for (const doc of docs) {
          doc.errors.forEach(errors.prettifyError(source, lineCounter2));
          doc.warnings.forEach(errors.prettifyError(source, lineCounter2));
        }
      if (docs.length > 0)
        return docs;
      return Object.assign([], { empty: true }, composer$1.streamInfo());
    }
    function parseDocument2(source, options2 = {}) {
      const { lineCounter: lineCounter2, prettyErrors } = parseOptions(options2);
      const parser$1 = new parser.Parser(lineCounter2?.addNewLine);
      const composer$1 = new composer.Composer(options2);
      let doc = null;
      for (const _doc of composer$1.compose(parser$1.parse(source), true, source.length)) {
        if (!doc)
          doc = _doc;
        else if (doc.options.logLevel !== "silent") {
          doc.errors.push(new errors.YAMLParseError(_doc.range.slice(0, 2), "MULTIPLE_DOCS", "Source contains multiple documents; please use YAML.parseAllDocuments()"));
          break;
        }
      }
      if (prettyErrors && lineCounter2) {
        doc.errors.forEach(errors.prettifyError(source, lineCounter2));
        doc.warnings.forEach(errors.prettifyError(source, lineCounter2));
      }
      return doc;
    }
    function parse(src, reviver, options2) {
      let _reviver = void 0;
      if (typeof reviver === "function") {
        _reviver = reviver;
      } else if (options2 === void 0 && reviver && typeof reviver === "object") {
        options2 = reviver;
      }
      const doc = parseDocument2(src, options2);
      if (!doc)
        return null;
      doc.warnings.forEach((warning) => log.warn(doc.options.logLevel, warning));
      if (doc.errors.length > 0) {
        if (doc.options.logLevel !== "silent")
          throw doc.errors[0];
        else
          doc.errors = [];
      }
      return doc.toJS(Object.assign({ reviver: _reviver }, options2));
    }
    function stringify(value, replacer, options2) {
      let _replacer = null;
      if (typeof replacer === "function" || Array.isArray(replacer)) {
        _replacer = replacer;
      } else if (options2 === void 0 && replacer) {
        options2 = replacer;
      }
      if (typeof options2 === "string")
        options2 = options2.length;
      if (typeof options2 === "number") {
        const indent = Math.round(options2);
        options2 = indent < 1 ? void 0 : indent > 8 ? { indent: 8 } : { indent };
      }
      if (value === void 0) {
        const { keepUndefined } = options2 ?? replacer ?? {};
        if (!keepUndefined)
          return void 0;
      }
      if (identity.isDocument(value) && !_replacer)
        return value.toString(options2);
      return new Document.Document(value, _replacer, options2).toString(options2);
    }
    exports.parse = parse;
    exports.parseAllDocuments = parseAllDocuments2;
    exports.parseDocument = parseDocument2;
    exports.stringify = stringify;
  }
});

// node_modules/yaml/dist/index.js
var require_dist = __commonJS({
  "node_modules/yaml/dist/index.js"(exports) {
    "use strict";
    var composer = require_composer();
    var Document = require_Document();
    var Schema = require_Schema();
    var errors = require_errors();
    var Alias = require_Alias();
    var identity = require_identity();
    var Pair = require_Pair();
    var Scalar = require_Scalar();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var cst = require_cst();
    var lexer = require_lexer();
    var lineCounter = require_line_counter();
    var parser = require_parser();
    var publicApi = require_public_api();
    var visit = require_visit();
    exports.Composer = composer.Composer;
    exports.Document = Document.Document;
    exports.Schema = Schema.Schema;
    exports.YAMLError = errors.YAMLError;
    exports.YAMLParseError = errors.YAMLParseError;
    exports.YAMLWarning = errors.YAMLWarning;
    exports.Alias = Alias.Alias;
    exports.isAlias = identity.isAlias;
    exports.isCollection = identity.isCollection;
    exports.isDocument = identity.isDocument;
    exports.isMap = identity.isMap;
    exports.isNode = identity.isNode;
    exports.isPair = identity.isPair;
    exports.isScalar = identity.isScalar;
    exports.isSeq = identity.isSeq;
    exports.Pair = Pair.Pair;
    exports.Scalar = Scalar.Scalar;
    exports.YAMLMap = YAMLMap.YAMLMap;
    exports.YAMLSeq = YAMLSeq.YAMLSeq;
    exports.CST = cst;
    exports.Lexer = lexer.Lexer;
    exports.LineCounter = lineCounter.LineCounter;
    exports.Parser = parser.Parser;
    exports.parse = publicApi.parse;
    exports.parseAllDocuments = publicApi.parseAllDocuments;
    exports.parseDocument = publicApi.parseDocument;
    exports.stringify = publicApi.stringify;
    exports.visit = visit.visit;
    exports.visitAsync = visit.visitAsync;
  }
});

// node_modules/pend/index.js
var require_pend = __commonJS({
  "node_modules/pend/index.js"(exports, module) {
    module.exports = Pend;
    function Pend() {
      this.pending = 0;
      this.max = Infinity;
      this.listeners = [];
      this.waiting = [];
      this.error = null;
    }
    Pend.prototype.go = function(fn) {
      if (this.pending < this.max) {
        pendGo(this, fn);
      } else {
        this.waiting.push(fn);
      }
    };
    Pend.prototype.wait = function(cb) {
      if (this.pending === 0) {
        cb(this.error);
      } else {
        this.listeners.push(cb);
      }
    };
    Pend.prototype.hold = function() {
      return pendHold(this);
    };
    function pendHold(self) {
      self.pending += 1;
      var called = false;
      return onCb;
      function onCb(err) {
        if (called) throw new Error("callback called twice");
        called = true;
        self.error = self.error || err;
        self.pending -= 1;
        if (self.waiting.length > 0 && self.pending < self.max) {
          pendGo(self, self.waiting.shift());
        } else if (self.pending === 0) {
          var listeners = self.listeners;
          self.listeners = [];
          listeners.forEach(cbListener);
        }
      }
      function cbListener(listener) {
        listener(self.error);
      }
    }
    function pendGo(self, fn) {
      fn(pendHold(self));
    }
  }
});

// node_modules/yauzl/fd-slicer.js
var require_fd_slicer = __commonJS({
  "node_modules/yauzl/fd-slicer.js"(exports) {
    var fs = __require("fs");
    var util = __require("util");
    var stream2 = __require("stream");
    var Readable = stream2.Readable;
    var PassThrough = stream2.PassThrough;
    var Pend = require_pend();
    var EventEmitter = __require("events").EventEmitter;
    exports.BufferSlicer = BufferSlicer;
    exports.FdSlicer = FdSlicer;
    util.inherits(FdSlicer, EventEmitter);
    function FdSlicer(fd) {
      EventEmitter.call(this);
      this.fd = fd;
      this.pend = new Pend();
      this.pend.max = 1;
      this.refCount = 0;
    }
    FdSlicer.prototype.read = function(buffer, offset, length, position, callback) {
      var self = this;
      self.pend.go(function(cb) {
        fs.read(self.fd, buffer, offset, length, position, function(err, bytesRead, buffer2) {
          cb();
          callback(err, bytesRead, buffer2);
        });
      });
    };
    FdSlicer.prototype.createReadStream = function(options2) {
      return new ReadStream(this, options2);
    };
    FdSlicer.prototype.ref = function() {
      this.refCount += 1;
    };
    FdSlicer.prototype.unref = function() {
      var self = this;
      self.refCount -= 1;
      if (self.refCount < 0) throw new Error("invalid unref");
      if (self.refCount > 0) return;
      fs.close(self.fd, onCloseDone);
      function onCloseDone(err) {
        if (err) {
          self.emit("error", err);
        } else {
          self.emit("close");
        }
      }
    };
    util.inherits(ReadStream, Readable);
    function ReadStream(context, options2) {
      options2 = options2 || {};
      Readable.call(this, options2);
      this.context = context;
      this.context.ref();
      this.start = options2.start || 0;
      this.endOffset = options2.end;
      this.pos = this.start;
    }
    ReadStream.prototype._read = function(n) {
      var self = this;
      var toRead = Math.min(self._readableState.highWaterMark, n);
      if (self.endOffset != null) {
        toRead = Math.min(toRead, self.endOffset - self.pos);
      }
      if (toRead <= 0) {
        self.push(null);
        this._cleanup();
        return;
      }
      self.context.pend.go(function(cb) {
        var buffer = Buffer.allocUnsafe(toRead);
        fs.read(self.context.fd, buffer, 0, toRead, self.pos, function(err, bytesRead) {
          if (err) {
            self.destroy(err);
          } else if (bytesRead === 0) {
            self.push(null);
            self._cleanup();
          } else {
            self.pos += bytesRead;
            self.push(buffer.slice(0, bytesRead));
          }
          cb();
        });
      });
    };
    ReadStream.prototype._destroy = function(err, cb) {
      this._cleanup();
      cb(err);
    };
    ReadStream.prototype._cleanup = function() {
      if (this.context != null) {
        this.context.unref();
        this.context = null;
      }
    };
    util.inherits(BufferSlicer, EventEmitter);
    function BufferSlicer(buffer) {
      EventEmitter.call(this);
      this.refCount = 0;
      this.buffer = buffer;
    }
    BufferSlicer.prototype.read = function(buffer, offset, length, position, callback) {
      if (!(0 <= offset && offset <= buffer.length)) throw new RangeError("offset outside buffer: 0 <= " + offset + " <= " + buffer.length);
      if (position < 0) throw new RangeError("position is negative: " + position);
      if (offset + length > buffer.length) {
        length = buffer.length - offset;
      }
      if (position + length > this.buffer.length) {
        length = this.buffer.length - position;
      }
      if (length <= 0) {
        setImmediate(function() {
          callback(null, 0);
        });
        return;
      }
      this.buffer.copy(buffer, offset, position, position + length);
      setImmediate(function() {
        callback(null, length);
      });
    };
    BufferSlicer.prototype.createReadStream = function(options2) {
      options2 = options2 || {};
      var readStream = new PassThrough(options2);
      readStream.start = options2.start || 0;
      readStream.endOffset = options2.end;
      readStream.pos = readStream.endOffset || this.buffer.length;
      var entireSlice = this.buffer.slice(readStream.start, readStream.pos);
      var maxChunkSize = 65536;
      var offset = 0;
      while (true) {
        var nextOffset = offset + maxChunkSize;
        if (nextOffset >= entireSlice.length) {
          if (offset < entireSlice.length) {
            readStream.write(entireSlice.slice(offset, entireSlice.length));
          }
          break;
        }
        readStream.write(entireSlice.slice(offset, nextOffset));
        offset = nextOffset;
      }
      readStream.end();
      return readStream;
    };
    BufferSlicer.prototype.ref = function() {
      this.refCount += 1;
    };
    BufferSlicer.prototype.unref = function() {
      this.refCount -= 1;
      if (this.refCount < 0) {
        throw new Error("invalid unref");
      }
    };
  }
});

// node_modules/yauzl/crc32.js
var require_crc32 = __commonJS({
  "node_modules/yauzl/crc32.js"(exports, module) {
    var CRC_TABLE = new Int32Array([
      0,
      1996959894,
      3993919788,
      2567524794,
      124634137,
      1886057615,
      3915621685,
      2657392035,
      249268274,
      2044508324,
      3772115230,
      2547177864,
      162941995,
      2125561021,
      3887607047,
      2428444049,
      498536548,
      1789927666,
      4089016648,
      2227061214,
      450548861,
      1843258603,
      4107580753,
      2211677639,
      325883990,
      1684777152,
      4251122042,
      2321926636,
      335633487,
      1661365465,
      4195302755,
      2366115317,
      997073096,
      1281953886,
      3579855332,
      2724688242,
      1006888145,
      1258607687,
      3524101629,
      2768942443,
      901097722,
      1119000684,
      3686517206,
      2898065728,
      853044451,
      1172266101,
      3705015759,
      2882616665,
      651767980,
      1373503546,
      3369554304,
      3218104598,
      565507253,
      1454621731,
      3485111705,
      3099436303,
      671266974,
      1594198024,
      3322730930,
      2970347812,
      795835527,
      1483230225,
      3244367275,
      3060149565,
      1994146192,
      31158534,
      2563907772,
      4023717930,
      1907459465,
      112637215,
      2680153253,
      3904427059,
      2013776290,
      251722036,
      2517215374,
      3775830040,
      2137656763,
      141376813,
      2439277719,
      3865271297,
      1802195444,
      476864866,
      2238001368,
      4066508878,
      1812370925,
      453092731,
      2181625025,
      4111451223,
      1706088902,
      314042704,
      2344532202,
      4240017532,
      1658658271,
      366619977,
      2362670323,
      4224994405,
      1303535960,
      984961486,
      2747007092,
      3569037538,
      1256170817,
      1037604311,
      2765210733,
      3554079995,
      1131014506,
      879679996,
      2909243462,
      3663771856,
      1141124467,
      855842277,
      2852801631,
      3708648649,
      1342533948,
      654459306,
      3188396048,
      3373015174,
      1466479909,
      544179635,
      3110523913,
      3462522015,
      1591671054,
      702138776,
      2966460450,
      3352799412,
      1504918807,
      783551873,
      3082640443,
      3233442989,
      3988292384,
      2596254646,
      62317068,
      1957810842,
      3939845945,
      2647816111,
      81470997,
      1943803523,
      3814918930,
      2489596804,
      225274430,
      2053790376,
      3826175755,
      2466906013,
      167816743,
      2097651377,
      4027552580,
      2265490386,
      503444072,
      1762050814,
      4150417245,
      2154129355,
      426522225,
      1852507879,
      4275313526,
      2312317920,
      282753626,
      1742555852,
      4189708143,
      2394877945,
      397917763,
      1622183637,
      3604390888,
      2714866558,
      953729732,
      1340076626,
      3518719985,
      2797360999,
      1068828381,
      1219638859,
      3624741850,
      2936675148,
      906185462,
      1090812512,
      3747672003,
      2825379669,
      829329135,
      1181335161,
      3412177804,
      3160834842,
      628085408,
      1382605366,
      3423369109,
      3138078467,
      570562233,
      1426400815,
      3317316542,
      2998733608,
      733239954,
      1555261956,
      3268935591,
      3050360625,
      752459403,
      1541320221,
      2607071920,
      3965973030,
      1969922972,
      40735498,
      2617837225,
      3943577151,
      1913087877,
      83908371,
      2512341634,
      3803740692,
      2075208622,
      213261112,
      2463272603,
      3855990285,
      2094854071,
      198958881,
      2262029012,
      4057260610,
      1759359992,
      534414190,
      2176718541,
      4139329115,
      1873836001,
      414664567,
      2282248934,
      4279200368,
      1711684554,
      285281116,
      2405801727,
      4167216745,
      1634467795,
      376229701,
      2685067896,
      3608007406,
      1308918612,
      956543938,
      2808555105,
      3495958263,
      1231636301,
      1047427035,
      2932959818,
      3654703836,
      1088359270,
      936918e3,
      2847714899,
      3736837829,
      1202900863,
      817233897,
      3183342108,
      3401237130,
      1404277552,
      615818150,
      3134207493,
      3453421203,
      1423857449,
      601450431,
      3009837614,
      3294710456,
      1567103746,
      711928724,
      3020668471,
      3272380065,
      1510334235,
      755167117
    ]);
    function crc32(buf) {
      let crc = -1;
      for (let x of buf) {
        crc = CRC_TABLE[(crc ^ x) & 255] ^ crc >>> 8;
      }
      return (crc ^ -1) >>> 0;
    }
    module.exports = crc32;
  }
});

// node_modules/yauzl/index.js
var require_yauzl = __commonJS({
  "node_modules/yauzl/index.js"(exports) {
    var fs = __require("fs");
    var zlib = __require("zlib");
    var fd_slicer = require_fd_slicer();
    var util = __require("util");
    var EventEmitter = __require("events").EventEmitter;
    var Transform2 = __require("stream").Transform;
    var PassThrough = __require("stream").PassThrough;
    var Writable = __require("stream").Writable;
    var crc32 = typeof zlib.crc32 === "function" ? zlib.crc32 : require_crc32();
    exports.open = open2;
    exports.fromFd = fromFd;
    exports.fromBuffer = fromBuffer;
    exports.fromRandomAccessReader = fromRandomAccessReader;
    exports.openPromise = openPromise;
    exports.fromFdPromise = fromFdPromise;
    exports.fromBufferPromise = fromBufferPromise;
    exports.fromRandomAccessReaderPromise = fromRandomAccessReaderPromise;
    exports.dosDateTimeToDate = dosDateTimeToDate;
    exports.getFileNameLowLevel = getFileNameLowLevel;
    exports.validateFileName = validateFileName;
    exports.parseExtraFields = parseExtraFields;
    exports.ZipFile = ZipFile;
    exports.Entry = Entry;
    exports.LocalFileHeader = LocalFileHeader;
    exports.RandomAccessReader = RandomAccessReader;
    function openPromise(path, options2) {
      return new Promise((resolve2, reject) => {
        open2(path, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve2(zipfile);
        });
      });
    }
    function fromFdPromise(fd, options2) {
      return new Promise((resolve2, reject) => {
        fromFd(fd, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve2(zipfile);
        });
      });
    }
    function fromBufferPromise(buffer, options2) {
      return new Promise((resolve2, reject) => {
        fromBuffer(buffer, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve2(zipfile);
        });
      });
    }
    function fromRandomAccessReaderPromise(reader, totalSize, options2) {
      return new Promise((resolve2, reject) => {
        fromRandomAccessReader(reader, totalSize, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve2(zipfile);
        });
      });
    }
    function open2(path, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = true;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      fs.open(path, "r", function(err, fd) {
        if (err) return callback(err);
        fromFd(fd, options2, function(err2, zipfile) {
          if (err2) fs.close(fd, defaultCallback);
          callback(err2, zipfile);
        });
      });
    }
    function fromFd(fd, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = false;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      fs.fstat(fd, function(err, stats) {
        if (err) return callback(err);
        var reader = new fd_slicer.FdSlicer(fd);
        fromRandomAccessReader(reader, stats.size, options2, callback);
      });
    }
    function fromBuffer(buffer, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      options2.autoClose = false;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      var reader = new fd_slicer.BufferSlicer(buffer);
      fromRandomAccessReader(reader, buffer.length, options2, callback);
    }
    function fromRandomAccessReader(reader, totalSize, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = true;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      var decodeStrings = !!options2.decodeStrings;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      if (typeof totalSize !== "number") throw new Error("expected totalSize parameter to be a number");
      if (totalSize > Number.MAX_SAFE_INTEGER) {
        throw new Error("zip file too large. only file sizes up to 2^52 are supported due to JavaScript's Number type being an IEEE 754 double.");
      }
      reader.ref();
      var eocdrWithoutCommentSize = 22;
      var zip64EocdlSize = 20;
      var maxCommentSize = 65535;
      var bufferSize = Math.min(zip64EocdlSize + eocdrWithoutCommentSize + maxCommentSize, totalSize);
      var buffer = newBuffer(bufferSize);
      var bufferReadStart = totalSize - buffer.length;
      readAndAssertNoEof(reader, buffer, 0, bufferSize, bufferReadStart, function(err) {
        if (err) return callback(err);
        for (var i = bufferSize - eocdrWithoutCommentSize; i >= 0; i -= 1) {
          if (buffer.readUInt32LE(i) !== 101010256) continue;
          var eocdrBuffer = buffer.subarray(i);
          var diskNumber = eocdrBuffer.readUInt16LE(4);
          var entryCount = eocdrBuffer.readUInt16LE(10);
          var centralDirectoryOffset = eocdrBuffer.readUInt32LE(16);
          var commentLength = eocdrBuffer.readUInt16LE(20);
          var expectedCommentLength = eocdrBuffer.length - eocdrWithoutCommentSize;
          if (commentLength !== expectedCommentLength) {
            return callback(new Error("Invalid comment length. Expected: " + expectedCommentLength + ". Found: " + commentLength + ". Are there extra bytes at the end of the file? Or is the end of central dir signature `PK\u263A\u263B` in the comment?"));
          }
          var comment = decodeStrings ? decodeBuffer(eocdrBuffer.subarray(22), false) : eocdrBuffer.subarray(22);
          if (i - zip64EocdlSize >= 0 && buffer.readUInt32LE(i - zip64EocdlSize) === 117853008) {
            var zip64EocdlBuffer = buffer.subarray(i - zip64EocdlSize, i - zip64EocdlSize + zip64EocdlSize);
            var zip64EocdrOffset = readUInt64LE(zip64EocdlBuffer, 8);
            var zip64EocdrBuffer = newBuffer(56);
            return readAndAssertNoEof(reader, zip64EocdrBuffer, 0, zip64EocdrBuffer.length, zip64EocdrOffset, function(err2) {
              if (err2) return callback(err2);
              if (zip64EocdrBuffer.readUInt32LE(0) !== 101075792) {
                return callback(new Error("invalid zip64 end of central directory record signature"));
              }
              diskNumber = zip64EocdrBuffer.readUInt32LE(16);
              if (diskNumber !== 0) {
                return callback(new Error("multi-disk zip files are not supported: found disk number: " + diskNumber));
              }
              entryCount = readUInt64LE(zip64EocdrBuffer, 32);
              centralDirectoryOffset = readUInt64LE(zip64EocdrBuffer, 48);
              return callback(null, new ZipFile(reader, centralDirectoryOffset, totalSize, entryCount, comment, options2.autoClose, options2.lazyEntries, decodeStrings, options2.validateEntrySizes, options2.strictFileNames));
            });
          }
          if (diskNumber !== 0) {
            return callback(new Error("multi-disk zip files are not supported: found disk number: " + diskNumber));
          }
          return callback(null, new ZipFile(reader, centralDirectoryOffset, totalSize, entryCount, comment, options2.autoClose, options2.lazyEntries, decodeStrings, options2.validateEntrySizes, options2.strictFileNames));
        }
        callback(new Error("End of central directory record signature not found. Either not a zip file, or file is truncated."));
      });
    }
    util.inherits(ZipFile, EventEmitter);
    function ZipFile(reader, centralDirectoryOffset, fileSize, entryCount, comment, autoClose, lazyEntries, decodeStrings, validateEntrySizes, strictFileNames) {
      var self = this;
      EventEmitter.call(self);
      self.reader = reader;
      self.reader.on("error", function(err) {
        emitError(self, err);
      });
      self.reader.once("close", function() {
        self.emit("close");
      });
      self.readEntryCursor = centralDirectoryOffset;
      self.fileSize = fileSize;
      self.entryCount = entryCount;
      self.comment = comment;
      self.entriesRead = 0;
      self.autoClose = !!autoClose;
      self.lazyEntries = !!lazyEntries;
      self.decodeStrings = !!decodeStrings;
      self.validateEntrySizes = !!validateEntrySizes;
      self.strictFileNames = !!strictFileNames;
      self.isOpen = true;
      self.emittedError = false;
      self.hasEachEntryBeenCalled = false;
      if (!self.lazyEntries) self._readEntry();
    }
    ZipFile.prototype.close = function() {
      if (!this.isOpen) return;
      this.isOpen = false;
      this.reader.unref();
    };
    function emitErrorAndAutoClose(self, err) {
      if (self.autoClose) self.close();
      emitError(self, err);
    }
    function emitError(self, err) {
      if (self.emittedError) return;
      self.emittedError = true;
      self.emit("error", err);
    }
    ZipFile.prototype.readEntry = function() {
      if (!this.lazyEntries) throw new Error("readEntry() called without lazyEntries:true");
      this._readEntry();
    };
    ZipFile.prototype._readEntry = function() {
      var self = this;
      if (self.entryCount === self.entriesRead) {
        setImmediate(function() {
          if (self.autoClose) self.close();
          if (self.emittedError) return;
          self.emit("end");
        });
        return;
      }
      if (self.emittedError) return;
      var buffer = newBuffer(46);
      readAndAssertNoEof(self.reader, buffer, 0, buffer.length, self.readEntryCursor, function(err) {
        if (err) return emitErrorAndAutoClose(self, err);
        if (self.emittedError) return;
        var entry = new Entry();
        var signature = buffer.readUInt32LE(0);
        if (signature !== 33639248) return emitErrorAndAutoClose(self, new Error("invalid central directory file header signature: 0x" + signature.toString(16)));
        entry.versionMadeBy = buffer.readUInt16LE(4);
        entry.versionNeededToExtract = buffer.readUInt16LE(6);
        entry.generalPurposeBitFlag = buffer.readUInt16LE(8);
        entry.compressionMethod = buffer.readUInt16LE(10);
        entry.lastModFileTime = buffer.readUInt16LE(12);
        entry.lastModFileDate = buffer.readUInt16LE(14);
        entry.crc32 = buffer.readUInt32LE(16);
        entry.compressedSize = buffer.readUInt32LE(20);
        entry.uncompressedSize = buffer.readUInt32LE(24);
        entry.fileNameLength = buffer.readUInt16LE(28);
        entry.extraFieldLength = buffer.readUInt16LE(30);
        entry.fileCommentLength = buffer.readUInt16LE(32);
        entry.internalFileAttributes = buffer.readUInt16LE(36);
        entry.externalFileAttributes = buffer.readUInt32LE(38);
        entry.relativeOffsetOfLocalHeader = buffer.readUInt32LE(42);
        if (entry.generalPurposeBitFlag & 64) return emitErrorAndAutoClose(self, new Error("strong encryption is not supported"));
        self.readEntryCursor += 46;
        buffer = newBuffer(entry.fileNameLength + entry.extraFieldLength + entry.fileCommentLength);
        readAndAssertNoEof(self.reader, buffer, 0, buffer.length, self.readEntryCursor, function(err2) {
          if (err2) return emitErrorAndAutoClose(self, err2);
          if (self.emittedError) return;
          entry.fileNameRaw = buffer.subarray(0, entry.fileNameLength);
          var fileCommentStart = entry.fileNameLength + entry.extraFieldLength;
          entry.extraFieldRaw = buffer.subarray(entry.fileNameLength, fileCommentStart);
          entry.fileCommentRaw = buffer.subarray(fileCommentStart, fileCommentStart + entry.fileCommentLength);
          try {
            entry.extraFields = parseExtraFields(entry.extraFieldRaw);
          } catch (err3) {
            return emitErrorAndAutoClose(self, err3);
          }
          if (self.decodeStrings) {
            var isUtf8 = (entry.generalPurposeBitFlag & 2048) !== 0;
            entry.fileComment = decodeBuffer(entry.fileCommentRaw, isUtf8);
            entry.fileName = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, self.strictFileNames);
            var errorMessage = validateFileName(entry.fileName);
            if (errorMessage != null) return emitErrorAndAutoClose(self, new Error(errorMessage));
          } else {
            entry.fileComment = entry.fileCommentRaw;
            entry.fileName = entry.fileNameRaw;
          }
          entry.comment = entry.fileComment;
          self.readEntryCursor += buffer.length;
          self.entriesRead += 1;
          for (var i = 0; i < entry.extraFields.length; i++) {
            var extraField = entry.extraFields[i];
            if (extraField.id !== 1) continue;
            var zip64EiefBuffer = extraField.data;
            var index = 0;
            if (entry.uncompressedSize === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include uncompressed size"));
              }
              entry.uncompressedSize = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            if (entry.compressedSize === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include compressed size"));
              }
              entry.compressedSize = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            if (entry.relativeOffsetOfLocalHeader === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include relative header offset"));
              }
              entry.relativeOffsetOfLocalHeader = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            break;
          }
          if (self.validateEntrySizes && entry.compressionMethod === 0) {
            var expectedCompressedSize = entry.uncompressedSize;
            if (entry.isEncrypted()) {
              expectedCompressedSize += 12;
            }
            if (entry.compressedSize !== expectedCompressedSize) {
              var msg = "compressed/uncompressed size mismatch for stored file: " + entry.compressedSize + " != " + entry.uncompressedSize;
              return emitErrorAndAutoClose(self, new Error(msg));
            }
          }
          self.emit("entry", entry);
          if (!self.lazyEntries) self._readEntry();
        });
      });
    };
    ZipFile.prototype.eachEntry = function() {
      const self = this;
      if (!self.lazyEntries) throw new Error("eachEntry() requires lazyEntries: true");
      if (self.hasEachEntryBeenCalled) throw new Error("eachEntry() must only be called once per ZipFile");
      self.hasEachEntryBeenCalled = true;
      let pendingResolveReject = null;
      self.on("entry", onEntry);
      self.on("end", onEnd);
      self.on("error", onError);
      function cleanup() {
        self.removeListener("entry", onEntry);
        self.removeListener("end", onEnd);
        self.removeListener("error", onError);
        if (self.autoClose) self.close();
      }
      function onEntry(entry) {
        let { resolve: resolve2 } = pendingResolveReject;
        pendingResolveReject = null;
        resolve2({ value: entry });
      }
      function onEnd() {
        let { resolve: resolve2 } = pendingResolveReject;
        pendingResolveReject = null;
        cleanup();
        resolve2({ done: true });
      }
      function onError(err) {
        let { reject } = pendingResolveReject;
        pendingResolveReject = null;
        cleanup();
        reject(err);
      }
      return {
        [Symbol.asyncIterator]() {
          return this;
        },
        next() {
          const promise = new Promise((resolve2, reject) => {
            if (pendingResolveReject != null) throw new Error("next() called before previous Promise was resolved.");
            pendingResolveReject = { resolve: resolve2, reject };
          });
          self.readEntry();
          return promise;
        },
        return(value) {
          cleanup();
          return Promise.resolve({ done: true, value });
        },
        throw(value) {
          cleanup();
          return Promise.reject(value);
        }
      };
    };
    ZipFile.prototype.openReadStream = function(entry, options2, callback) {
      var self = this;
      var relativeStart = 0;
      var relativeEnd = entry.compressedSize;
      if (callback == null) {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) {
        options2 = {};
      } else {
        if (options2.decodeFileData === false) {
          if (options2.decrypt != null) {
            throw new Error("cannot use options.decrypt when options.decodeFileData === false");
          }
          if (options2.decompress != null) {
            throw new Error("cannot use options.decompress when options.decodeFileData === false");
          }
        } else {
          if (options2.decrypt != null) {
            if (!entry.isEncrypted()) {
              throw new Error("options.decrypt can only be specified for encrypted entries. See also option decodeFileData.");
            }
            if (options2.decrypt !== false) throw new Error("invalid options.decrypt value: " + options2.decrypt);
            if (entry.isCompressed()) {
              if (options2.decompress !== false) throw new Error("entry is encrypted and compressed, and options.decompress !== false. See also option decodeFileData.");
            }
          }
          if (options2.decompress != null) {
            if (!entry.isCompressed()) {
              throw new Error("options.decompress can only be specified for compressed entries. See also option decodeFileData.");
            }
            if (!(options2.decompress === false || options2.decompress === true)) {
              throw new Error("invalid options.decompress value: " + options2.decompress);
            }
            decompress = options2.decompress;
          }
        }
        if (options2.start != null) {
          relativeStart = options2.start;
          if (relativeStart < 0) throw new Error("options.start < 0");
          if (relativeStart > entry.compressedSize) throw new Error("options.start > entry.compressedSize");
        }
        if (options2.end != null) {
          relativeEnd = options2.end;
          if (relativeEnd < 0) throw new Error("options.end < 0");
          if (relativeEnd > entry.compressedSize) throw new Error("options.end > entry.compressedSize");
          if (relativeEnd < relativeStart) throw new Error("options.end < options.start");
        }
      }
      var rawMode = options2.decodeFileData === false || // Explicitly requested raw.
      (entry.compressionMethod === 0 || // Naturally without compression.
      entry.compressionMethod === 8 && options2.decompress === false) && (!entry.isEncrypted() || // Naturally without encryption.
      options2.decrypt === false);
      if (options2.start != null || options2.end != null) {
        if (!rawMode) throw new Error("start/end range require options.decodeFileData === false for non-trivial encoded entries.");
      }
      if (!self.isOpen) return callback(new Error("closed"));
      if (entry.isEncrypted() && !rawMode) {
        if (options2.decrypt !== false) return callback(new Error("entry is encrypted, and options.decodeFileData !== false"));
      }
      var decompress;
      if (rawMode) {
        decompress = false;
      } else if (entry.compressionMethod === 8) {
        decompress = options2.decodeFileData !== true;
      } else {
        return callback(new Error("unsupported compression method: " + entry.compressionMethod));
      }
      self.readLocalFileHeader(entry, { minimal: true }, function(err, localFileHeader) {
        if (err) return callback(err);
        self.openReadStreamLowLevel(
          localFileHeader.fileDataStart,
          entry.compressedSize,
          relativeStart,
          relativeEnd,
          decompress,
          entry.uncompressedSize,
          callback
        );
      });
    };
    ZipFile.prototype.openReadStreamLowLevel = function(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize, callback) {
      var self = this;
      var fileDataEnd = fileDataStart + compressedSize;
      var readStream = self.reader.createReadStream({
        start: fileDataStart + relativeStart,
        end: fileDataStart + relativeEnd
      });
      var endpointStream = readStream;
      if (decompress) {
        var destroyed = false;
        var inflateFilter = zlib.createInflateRaw();
        readStream.on("error", function(err) {
          setImmediate(function() {
            if (!destroyed) inflateFilter.emit("error", err);
          });
        });
        readStream.pipe(inflateFilter);
        if (self.validateEntrySizes) {
          endpointStream = new AssertByteCountStream(uncompressedSize);
          inflateFilter.on("error", function(err) {
            setImmediate(function() {
              if (!destroyed) endpointStream.emit("error", err);
            });
          });
          inflateFilter.pipe(endpointStream);
        } else {
          endpointStream = inflateFilter;
        }
        installDestroyFn(endpointStream, function() {
          destroyed = true;
          if (inflateFilter !== endpointStream) inflateFilter.unpipe(endpointStream);
          readStream.unpipe(inflateFilter);
          readStream.destroy();
        });
      }
      callback(null, endpointStream);
    };
    ZipFile.prototype.readLocalFileHeader = function(entry, options2, callback) {
      var self = this;
      if (callback == null) {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      self.reader.ref();
      var buffer = newBuffer(30);
      readAndAssertNoEof(self.reader, buffer, 0, buffer.length, entry.relativeOffsetOfLocalHeader, function(err) {
        try {
          if (err) return callback(err);
          var signature = buffer.readUInt32LE(0);
          if (signature !== 67324752) {
            return callback(new Error("invalid local file header signature: 0x" + signature.toString(16)));
          }
          var fileNameLength = buffer.readUInt16LE(26);
          var extraFieldLength = buffer.readUInt16LE(28);
          var fileDataStart = entry.relativeOffsetOfLocalHeader + 30 + fileNameLength + extraFieldLength;
          if (fileDataStart + entry.compressedSize > self.fileSize) {
            return callback(new Error("file data overflows file bounds: " + fileDataStart + " + " + entry.compressedSize + " > " + self.fileSize));
          }
          if (options2.minimal) {
            return callback(null, { fileDataStart });
          }
          var localFileHeader = new LocalFileHeader();
          localFileHeader.fileDataStart = fileDataStart;
          localFileHeader.versionNeededToExtract = buffer.readUInt16LE(4);
          localFileHeader.generalPurposeBitFlag = buffer.readUInt16LE(6);
          localFileHeader.compressionMethod = buffer.readUInt16LE(8);
          localFileHeader.lastModFileTime = buffer.readUInt16LE(10);
          localFileHeader.lastModFileDate = buffer.readUInt16LE(12);
          localFileHeader.crc32 = buffer.readUInt32LE(14);
          localFileHeader.compressedSize = buffer.readUInt32LE(18);
          localFileHeader.uncompressedSize = buffer.readUInt32LE(22);
          localFileHeader.fileNameLength = fileNameLength;
          localFileHeader.extraFieldLength = extraFieldLength;
          buffer = newBuffer(fileNameLength + extraFieldLength);
          self.reader.ref();
          readAndAssertNoEof(self.reader, buffer, 0, buffer.length, entry.relativeOffsetOfLocalHeader + 30, function(err2) {
            try {
              if (err2) return callback(err2);
              localFileHeader.fileName = buffer.subarray(0, fileNameLength);
              localFileHeader.extraField = buffer.subarray(fileNameLength);
              return callback(null, localFileHeader);
            } finally {
              self.reader.unref();
            }
          });
        } finally {
          self.reader.unref();
        }
      });
    };
    ZipFile.prototype.openReadStreamPromise = function(entry, options2) {
      return new Promise((resolve2, reject) => {
        this.openReadStream(entry, options2, function(err, readStream) {
          if (err) return reject(err);
          resolve2(readStream);
        });
      });
    };
    ZipFile.prototype.openReadStreamLowLevelPromise = function(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize) {
      return new Promise((resolve2, reject) => {
        this.openReadStream(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize, function(err, readStream) {
          if (err) return reject(err);
          resolve2(readStream);
        });
      });
    };
    ZipFile.prototype.readLocalFileHeaderPromise = function(entry, options2) {
      return new Promise((resolve2, reject) => {
        this.readLocalFileHeader(entry, options2, function(err, localFileHeader) {
          if (err) return reject(err);
          resolve2(localFileHeader);
        });
      });
    };
    function Entry() {
    }
    Entry.prototype.getLastModDate = function(options2) {
      if (options2 == null) options2 = {};
      if (!options2.forceDosFormat) {
        for (var i = 0; i < this.extraFields.length; i++) {
          var extraField = this.extraFields[i];
          if (extraField.id === 21589) {
            var data = extraField.data;
            if (data.length < 5) continue;
            var flags = data[0];
            var HAS_MTIME = 1;
            if (!(flags & HAS_MTIME)) continue;
            var posixTimestamp = data.readInt32LE(1);
            return new Date(posixTimestamp * 1e3);
          } else if (extraField.id === 10) {
            var data = extraField.data;
            if (data.length !== 32) continue;
            if (data.readUInt16LE(4) !== 1) continue;
            if (data.readUInt16LE(6) !== 24) continue;
            var hundredNanoSecondsSince1601 = data.readUInt32LE(8) + 4294967296 * data.readInt32LE(12);
            var millisecondsSince1970 = hundredNanoSecondsSince1601 / 1e4 - 116444736e5;
            return new Date(millisecondsSince1970);
          }
        }
      }
      return dosDateTimeToDate(this.lastModFileDate, this.lastModFileTime, options2.timezone);
    };
    Entry.prototype.canDecodeFileData = function() {
      return !this.isEncrypted() && (this.compressionMethod === 0 || this.compressionMethod === 8);
    };
    Entry.prototype.isEncrypted = function() {
      return (this.generalPurposeBitFlag & 1) !== 0;
    };
    Entry.prototype.isCompressed = function() {
      return this.compressionMethod === 8;
    };
    function LocalFileHeader() {
    }
    function dosDateTimeToDate(date, time, timezone) {
      var day = date & 31;
      var month = (date >> 5 & 15) - 1;
      var year = (date >> 9 & 127) + 1980;
      var millisecond = 0;
      var second = (time & 31) * 2;
      var minute = time >> 5 & 63;
      var hour = time >> 11 & 31;
      if (timezone == null || timezone === "local") {
        return new Date(year, month, day, hour, minute, second, millisecond);
      } else if (timezone === "UTC") {
        return new Date(Date.UTC(year, month, day, hour, minute, second, millisecond));
      } else {
        throw new Error("unrecognized options.timezone: " + options.timezone);
      }
    }
    function getFileNameLowLevel(generalPurposeBitFlag, fileNameBuffer, extraFields, strictFileNames) {
      var fileName = null;
      for (var i = 0; i < extraFields.length; i++) {
        var extraField = extraFields[i];
        if (extraField.id === 28789) {
          if (extraField.data.length < 6) {
            continue;
          }
          if (extraField.data.readUInt8(0) !== 1) {
            continue;
          }
          var oldNameCrc32 = extraField.data.readUInt32LE(1);
          if (crc32(fileNameBuffer) !== oldNameCrc32) {
            continue;
          }
          fileName = decodeBuffer(extraField.data.subarray(5), true);
          break;
        }
      }
      if (fileName == null) {
        var isUtf8 = (generalPurposeBitFlag & 2048) !== 0;
        fileName = decodeBuffer(fileNameBuffer, isUtf8);
      }
      if (!strictFileNames) {
        fileName = fileName.replace(/\\/g, "/");
      }
      return fileName;
    }
    function validateFileName(fileName) {
      if (fileName.indexOf("\\") !== -1) {
        return "invalid characters in fileName: " + fileName;
      }
      if (/^[a-zA-Z]:/.test(fileName) || /^\//.test(fileName)) {
        return "absolute path: " + fileName;
      }
      if (fileName.split("/").indexOf("..") !== -1) {
        return "invalid relative path: " + fileName;
      }
      return null;
    }
    function parseExtraFields(extraFieldBuffer) {
      var extraFields = [];
      var i = 0;
      while (i < extraFieldBuffer.length - 3) {
        var headerId = extraFieldBuffer.readUInt16LE(i + 0);
        var dataSize = extraFieldBuffer.readUInt16LE(i + 2);
        var dataStart = i + 4;
        var dataEnd = dataStart + dataSize;
        if (dataEnd > extraFieldBuffer.length) throw new Error("extra field length exceeds extra field buffer size");
        var dataBuffer = extraFieldBuffer.subarray(dataStart, dataEnd);
        extraFields.push({
          id: headerId,
          data: dataBuffer
        });
        i = dataEnd;
      }
      return extraFields;
    }
    function readAndAssertNoEof(reader, buffer, offset, length, position, callback) {
      if (length === 0) {
        return setImmediate(function() {
          callback(null, newBuffer(0));
        });
      }
      reader.read(buffer, offset, length, position, function(err, bytesRead) {
        if (err) return callback(err);
        if (bytesRead < length) {
          return callback(new Error("unexpected EOF"));
        }
        callback();
      });
    }
    util.inherits(AssertByteCountStream, Transform2);
    function AssertByteCountStream(byteCount) {
      Transform2.call(this);
      this.actualByteCount = 0;
      this.expectedByteCount = byteCount;
    }
    AssertByteCountStream.prototype._transform = function(chunk, encoding, cb) {
      this.actualByteCount += chunk.length;
      if (this.actualByteCount > this.expectedByteCount) {
        var msg = "too many bytes in the stream. expected " + this.expectedByteCount + ". got at least " + this.actualByteCount;
        return cb(new Error(msg));
      }
      cb(null, chunk);
    };
    AssertByteCountStream.prototype._flush = function(cb) {
      if (this.actualByteCount < this.expectedByteCount) {
        var msg = "not enough bytes in the stream. expected " + this.expectedByteCount + ". got only " + this.actualByteCount;
        return cb(new Error(msg));
      }
      cb();
    };
    util.inherits(RandomAccessReader, EventEmitter);
    function RandomAccessReader() {
      EventEmitter.call(this);
      this.refCount = 0;
    }
    RandomAccessReader.prototype.ref = function() {
      this.refCount += 1;
    };
    RandomAccessReader.prototype.unref = function() {
      var self = this;
      self.refCount -= 1;
      if (self.refCount > 0) return;
      if (self.refCount < 0) throw new Error("invalid unref");
      self.close(onCloseDone);
      function onCloseDone(err) {
        if (err) return self.emit("error", err);
        self.emit("close");
      }
    };
    RandomAccessReader.prototype.createReadStream = function(options2) {
      if (options2 == null) options2 = {};
      var start = options2.start;
      var end = options2.end;
      if (start === end) {
        var emptyStream = new PassThrough();
        setImmediate(function() {
          emptyStream.end();
        });
        return emptyStream;
      }
      var stream2 = this._readStreamForRange(start, end);
      var destroyed = false;
      var refUnrefFilter = new RefUnrefFilter(this);
      stream2.on("error", function(err) {
        setImmediate(function() {
          if (!destroyed) refUnrefFilter.emit("error", err);
        });
      });
      installDestroyFn(refUnrefFilter, function() {
        stream2.unpipe(refUnrefFilter);
        refUnrefFilter.unref();
        stream2.destroy();
      });
      var byteCounter = new AssertByteCountStream(end - start);
      refUnrefFilter.on("error", function(err) {
        setImmediate(function() {
          if (!destroyed) byteCounter.emit("error", err);
        });
      });
      installDestroyFn(byteCounter, function() {
        destroyed = true;
        refUnrefFilter.unpipe(byteCounter);
        refUnrefFilter.destroy();
      });
      return stream2.pipe(refUnrefFilter).pipe(byteCounter);
    };
    RandomAccessReader.prototype._readStreamForRange = function(start, end) {
      throw new Error("not implemented");
    };
    RandomAccessReader.prototype.read = function(buffer, offset, length, position, callback) {
      var readStream = this.createReadStream({ start: position, end: position + length });
      var writeStream = new Writable();
      var written = 0;
      writeStream._write = function(chunk, encoding, cb) {
        chunk.copy(buffer, offset + written, 0, chunk.length);
        written += chunk.length;
        cb();
      };
      writeStream.on("finish", callback);
      readStream.on("error", function(error) {
        callback(error);
      });
      readStream.pipe(writeStream);
    };
    RandomAccessReader.prototype.close = function(callback) {
      setImmediate(callback);
    };
    util.inherits(RefUnrefFilter, PassThrough);
    function RefUnrefFilter(context) {
      PassThrough.call(this);
      this.context = context;
      this.context.ref();
      this.unreffedYet = false;
    }
    RefUnrefFilter.prototype._flush = function(cb) {
      this.unref();
      cb();
    };
    RefUnrefFilter.prototype.unref = function(cb) {
      if (this.unreffedYet) return;
      this.unreffedYet = true;
      this.context.unref();
    };
    var cp437 = "\0\u263A\u263B\u2665\u2666\u2663\u2660\u2022\u25D8\u25CB\u25D9\u2642\u2640\u266A\u266B\u263C\u25BA\u25C4\u2195\u203C\xB6\xA7\u25AC\u21A8\u2191\u2193\u2192\u2190\u221F\u2194\u25B2\u25BC !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u2302\xC7\xFC\xE9\xE2\xE4\xE0\xE5\xE7\xEA\xEB\xE8\xEF\xEE\xEC\xC4\xC5\xC9\xE6\xC6\xF4\xF6\xF2\xFB\xF9\xFF\xD6\xDC\xA2\xA3\xA5\u20A7\u0192\xE1\xED\xF3\xFA\xF1\xD1\xAA\xBA\xBF\u2310\xAC\xBD\xBC\xA1\xAB\xBB\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255D\u255C\u255B\u2510\u2514\u2534\u252C\u251C\u2500\u253C\u255E\u255F\u255A\u2554\u2569\u2566\u2560\u2550\u256C\u2567\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256B\u256A\u2518\u250C\u2588\u2584\u258C\u2590\u2580\u03B1\xDF\u0393\u03C0\u03A3\u03C3\xB5\u03C4\u03A6\u0398\u03A9\u03B4\u221E\u03C6\u03B5\u2229\u2261\xB1\u2265\u2264\u2320\u2321\xF7\u2248\xB0\u2219\xB7\u221A\u207F\xB2\u25A0\xA0";
    function decodeBuffer(buffer, isUtf8) {
      if (isUtf8) {
        return buffer.toString("utf8");
      } else {
        var result = "";
        for (var i = 0; i < buffer.length; i++) {
          result += cp437[buffer[i]];
        }
        return result;
      }
    }
    function readUInt64LE(buffer, offset) {
      var lower32 = buffer.readUInt32LE(offset);
      var upper32 = buffer.readUInt32LE(offset + 4);
      return upper32 * 4294967296 + lower32;
    }
    var newBuffer;
    if (typeof Buffer.allocUnsafe === "function") {
      newBuffer = function(len) {
        return Buffer.allocUnsafe(len);
      };
    } else {
      newBuffer = function(len) {
        return new Buffer(len);
      };
    }
    function installDestroyFn(stream2, fn) {
      if (typeof stream2.destroy === "function") {
        stream2._destroy = function(err, cb) {
          fn();
          if (cb != null) cb(err);
        };
      } else {
        stream2.destroy = fn;
      }
    }
    function defaultCallback(err) {
      if (err) throw err;
    }
  }
});

// dist/src/scan/analysis-worker.js
import { parentPort } from "node:worker_threads";

// dist/src/analyzers/shared/os-package.js
var import_packageurl_js = __toESM(require_packageurl_js(), 1);
function mergeSamePackage(packages) {
  const merged = /* @__PURE__ */ new Map();
  for (const pkg2 of packages) {
    const key = `${pkg2.name}\0${pkg2.arch ?? ""}\0${pkg2.version}`;
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, { ...pkg2, locations: [...pkg2.locations] });
      continue;
    }
    for (const loc of pkg2.locations) {
      if (!seen.locations.some((l) => l.path === loc.path))
        seen.locations.push(loc);
    }
  }
  return [...merged.values()];
}
function distroPurl(type, defaultNamespace, pkg2, os) {
  const qualifiers = {};
  if (pkg2.arch)
    qualifiers.arch = pkg2.arch;
  if (os?.family && os.version)
    qualifiers.distro = `${os.family}-${os.version}`;
  try {
    return new import_packageurl_js.PackageURL(type, os?.family || defaultNamespace, pkg2.name, pkg2.version, qualifiers, void 0).toString();
  } catch {
    return "";
  }
}
var cmp = (a, b) => a < b ? -1 : a > b ? 1 : 0;
function byNameVersionArch(a, b) {
  return cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.arch ?? "", b.arch ?? "");
}

// dist/src/analyzers/os/apk/finalize.js
function finalizeApk(packages, ctx) {
  const out = mergeSamePackage(packages);
  for (const pkg2 of out)
    pkg2.purl = apkPurl(pkg2, ctx.os);
  return out.sort(byNameVersionArch);
}
function apkPurl(pkg2, os) {
  return distroPurl("apk", "alpine", pkg2, os);
}

// dist/src/analyzers/os/apk/installed-db.js
var MAX_ERRORS = 20;
function parseInstalledDb(text, path) {
  const packages = [];
  const errors = [];
  let skipped = 0;
  const fail = (message2) => {
    if (errors.length < MAX_ERRORS)
      errors.push(message2);
    else
      skipped++;
  };
  for (const rec of records(text)) {
    const name = rec.values.get("P");
    const version = rec.values.get("V");
    if (!name) {
      fail(`${path}: record at line ${rec.line} has no P: (name) line`);
      continue;
    }
    if (!version) {
      fail(`${path}: package ${clip(name)} at line ${rec.line} has no V: (version) line`);
      continue;
    }
    packages.push(toPackage(rec, name, version, path));
  }
  if (skipped > 0)
    errors.push(`${path}: ${skipped} more problems not listed`);
  return { packages, errors };
}
function* records(text) {
  let rec = null;
  let dir = "";
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") {
      if (rec)
        yield rec;
      rec = null;
      dir = "";
      continue;
    }
    rec ??= { line: i + 1, values: /* @__PURE__ */ new Map(), files: [] };
    if (line.length < 2 || line[1] !== ":")
      continue;
    const key = line[0];
    const value = line.slice(2);
    if (key === "F")
      dir = value;
    else if (key === "R")
      rec.files.push(dir ? `/${dir}/${value}` : `/${value}`);
    else if (!rec.values.has(key))
      rec.values.set(key, value);
  }
  if (rec)
    yield rec;
}
function toPackage(rec, name, version, path) {
  const v = rec.values;
  const license = v.get("L")?.trim();
  const pkg2 = {
    type: "apk",
    name,
    version,
    purl: "",
    // The origin is the aport the package was built from, always at the same version.
    source: { name: v.get("o") || name, version },
    // Kept as one expression: apk writes SPDX expressions (`MPL-2.0 AND MIT`) as well as
    // free-form lists (`MIT BSD GPL2+`) and splitting the latter would guess.
    licenses: license ? [license] : [],
    locations: [{ path: `/${path}` }]
  };
  const arch = v.get("A");
  if (arch)
    pkg2.arch = arch;
  if (rec.files.length > 0)
    pkg2.files = rec.files;
  const metadata = {};
  const maintainer = v.get("m");
  const installedSize = v.get("I");
  const commit = v.get("c");
  if (maintainer)
    metadata.maintainer = maintainer;
  if (installedSize)
    metadata.installedSize = installedSize;
  if (commit)
    metadata.commit = commit;
  if (Object.keys(metadata).length > 0)
    pkg2.metadata = metadata;
  return pkg2;
}
function clip(s) {
  return s.length > 60 ? `${s.slice(0, 60)}\u2026` : s;
}

// dist/src/analyzers/os/apk/index.js
var DB_PATHS = /* @__PURE__ */ new Set(["lib/apk/db/installed", "usr/lib/apk/db/installed"]);
var apkAnalyzer = {
  id: "os/apk",
  evidence: "installed",
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  required: (path) => DB_PATHS.has(path),
  analyze(file) {
    const { packages, errors } = parseInstalledDb(file.content.toString("utf8"), file.path);
    return errors.length > 0 ? { packages, errors } : { packages };
  },
  finalize: finalizeApk
};

// dist/src/analyzers/os/dpkg/copyright.js
var DOC = "usr/share/doc/";
var MAX_LICENSES = 50;
function copyrightOwner(path) {
  if (!path.startsWith(DOC) || !path.endsWith("/copyright"))
    return null;
  const name = path.slice(DOC.length, -"/copyright".length);
  return name && !name.includes("/") ? name : null;
}
var TOKEN = /^[A-Za-z0-9][A-Za-z0-9.+_~-]*$/;
function parseCopyright(text) {
  const found = /* @__PURE__ */ new Set();
  const add = (s) => {
    const t = s.trim().replace(/[.,;'’`"]+$/, "");
    if (TOKEN.test(t) && t.length <= 64 && found.size < MAX_LICENSES)
      found.add(t);
  };
  for (const m of text.matchAll(/^License:[ \t]*(.*)$/gm)) {
    const value = m[1].trim();
    if (!value)
      continue;
    const parts = value.split(/\s+(?:or|and|,)\s+|\s*,\s*/i).map((p) => p.replace(/\s+with\s+.*$/i, ""));
    if (parts.every((p) => TOKEN.test(p.trim())))
      parts.forEach(add);
  }
  for (const m of text.matchAll(/\/usr\/share\/common-licenses\/([A-Za-z0-9.+_-]+)/g))
    add(m[1]);
  return [...found].sort();
}

// dist/src/analyzers/os/dpkg/finalize.js
function finalizeDpkg(packages, ctx) {
  const out = mergeSamePackage(packages);
  for (const pkg2 of out) {
    const files = (pkg2.arch ? ctx.owners.get(`${pkg2.name}:${pkg2.arch}`) : void 0) ?? ctx.owners.get(pkg2.name);
    if (files)
      pkg2.files = [...files];
    const licenses2 = ctx.licenses?.get(pkg2.name);
    if (licenses2 && pkg2.licenses.length === 0)
      pkg2.licenses = [...licenses2];
    pkg2.purl = debPurl(pkg2, ctx.os);
  }
  return out.sort(byNameVersionArch);
}
function debPurl(pkg2, os) {
  return distroPurl("deb", "debian", pkg2, os);
}

// dist/src/analyzers/os/dpkg/list.js
function ownerFromListPath(path) {
  const base = path.slice(path.lastIndexOf("/") + 1);
  return base.slice(0, -".list".length);
}
function parseList(text) {
  const files = [];
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "" || line === "/.")
      continue;
    files.push(line);
  }
  return files;
}

// dist/src/analyzers/os/dpkg/control.js
function parseStanzas(text) {
  const stanzas = [];
  let current = null;
  let lastKey = null;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") {
      current = null;
      lastKey = null;
      continue;
    }
    const first = line[0];
    if (first === " " || first === "	") {
      if (current && lastKey !== null) {
        current.fields.set(lastKey, `${current.fields.get(lastKey) ?? ""}
${line.trim()}`);
      }
      continue;
    }
    if (!current) {
      current = { line: i + 1, fields: /* @__PURE__ */ new Map() };
      stanzas.push(current);
    }
    const colon = line.indexOf(":");
    if (colon <= 0) {
      lastKey = null;
      continue;
    }
    const key = line.slice(0, colon).trim().toLowerCase();
    if (current.fields.has(key)) {
      lastKey = null;
      continue;
    }
    current.fields.set(key, line.slice(colon + 1).trim());
    lastKey = key;
  }
  return stanzas;
}

// dist/src/analyzers/os/dpkg/status.js
var MAX_ERRORS2 = 20;
var INSTALLED_STATES = /* @__PURE__ */ new Set(["installed", "triggers-awaited", "triggers-pending"]);
function parseStatus(text, path) {
  const packages = [];
  const errors = [];
  let skipped = 0;
  const fail = (message2) => {
    if (errors.length < MAX_ERRORS2)
      errors.push(message2);
    else
      skipped++;
  };
  for (const { line, fields } of parseStanzas(text)) {
    const name = fields.get("package");
    if (!name) {
      fail(`${path}: stanza at line ${line} has no Package field`);
      continue;
    }
    if (!isInstalled(fields.get("status")))
      continue;
    const version = fields.get("version");
    if (!version) {
      fail(`${path}: package ${clip2(name)} at line ${line} has no Version field`);
      continue;
    }
    packages.push(toPackage2(name, version, fields, path));
  }
  if (skipped > 0)
    errors.push(`${path}: ${skipped} more problems not listed`);
  return { packages, errors };
}
function isInstalled(status) {
  if (status === void 0)
    return true;
  const words = status.split(/\s+/);
  return INSTALLED_STATES.has(words[words.length - 1] ?? "");
}
function toPackage2(name, version, fields, path) {
  const pkg2 = {
    type: "deb",
    name,
    version,
    purl: "",
    source: parseSource(fields.get("source"), name, version),
    licenses: [],
    locations: [{ path: `/${path}` }]
  };
  const arch = fields.get("architecture");
  if (arch)
    pkg2.arch = arch;
  const metadata = {};
  const maintainer = fields.get("maintainer");
  const installedSize = fields.get("installed-size");
  if (maintainer)
    metadata.maintainer = maintainer;
  if (installedSize)
    metadata.installedSize = installedSize;
  if (Object.keys(metadata).length > 0)
    pkg2.metadata = metadata;
  return pkg2;
}
function parseSource(field, name, version) {
  const m = field ? /^(\S+)(?:\s*\(\s*([^)\s]+)\s*\))?/.exec(field) : null;
  if (!m)
    return { name, version };
  return { name: m[1], version: m[2] ?? version };
}
function clip2(s) {
  return s.length > 60 ? `${s.slice(0, 60)}\u2026` : s;
}

// dist/src/analyzers/os/dpkg/index.js
var STATUS = "var/lib/dpkg/status";
var STATUS_D = "var/lib/dpkg/status.d/";
var INFO = "var/lib/dpkg/info/";
var NOT_STATUS = /\.(md5sums|conffiles|list|preinst|postinst|prerm|postrm|triggers|shlibs|symbols|templates)$/;
function directChild(path, dir) {
  if (!path.startsWith(dir))
    return null;
  const rest = path.slice(dir.length);
  return rest !== "" && !rest.includes("/") ? rest : null;
}
function isStatusD(path) {
  const name = directChild(path, STATUS_D);
  return name !== null && !NOT_STATUS.test(name);
}
function isInfoList(path) {
  const name = directChild(path, INFO);
  return name !== null && name.length > ".list".length && name.endsWith(".list");
}
var dpkgAnalyzer = {
  id: "os/dpkg",
  evidence: "installed",
  version: 2,
  maxFileSize: 64 * 1024 * 1024,
  required: (path) => path === STATUS || isStatusD(path) || isInfoList(path) || copyrightOwner(path) !== null,
  analyze(file) {
    const text = file.content.toString("utf8");
    const owner = copyrightOwner(file.path);
    if (owner !== null) {
      const licenses2 = parseCopyright(text);
      return licenses2.length ? { licenses: [{ package: owner, licenses: licenses2 }] } : null;
    }
    if (isInfoList(file.path)) {
      return { owners: [{ package: ownerFromListPath(file.path), files: parseList(text) }] };
    }
    const { packages, errors } = parseStatus(text, file.path);
    return errors.length > 0 ? { packages, errors } : { packages };
  },
  finalize: finalizeDpkg
};

// dist/src/analyzers/os/os-release/parse.js
function parseKeyValues(text) {
  const out = /* @__PURE__ */ new Map();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimStart();
    if (line === "" || line.startsWith("#"))
      continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m)
      continue;
    out.set(m[1], unquote(m[2]));
  }
  return out;
}
function unquote(value) {
  let out = "";
  let i = 0;
  while (i < value.length) {
    const c = value[i];
    if (c === "'") {
      const end = value.indexOf("'", i + 1);
      const stop = end === -1 ? value.length : end;
      out += value.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '"') {
      i++;
      while (i < value.length && value[i] !== '"') {
        const d = value[i];
        const next = value[i + 1];
        if (d === "\\" && next !== void 0 && '$"\\`'.includes(next)) {
          out += next;
          i += 2;
        } else {
          out += d;
          i++;
        }
      }
      i++;
    } else if (c === "\\") {
      out += value[i + 1] ?? "";
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/[ \t]+$/, "");
}
function osFromOsRelease(fields) {
  const family = fields.get("ID")?.trim().toLowerCase();
  if (!family)
    return null;
  const likes = (fields.get("ID_LIKE") ?? "").toLowerCase().split(/\s+/);
  const debianLike = family === "debian" || family === "ubuntu" || likes.includes("debian") || likes.includes("ubuntu");
  const codename = nonEmpty(fields.get("VERSION_CODENAME")) ?? nonEmpty(fields.get("UBUNTU_CODENAME")) ?? (debianLike ? codenameFromVersion(fields.get("VERSION")) : void 0) ?? (debianLike ? codenameFromSid(fields.get("PRETTY_NAME")) : void 0);
  let version = nonEmpty(fields.get("VERSION_ID"));
  if (version === void 0 && family === "debian" && codename)
    version = codename;
  const os = { family, version: version ?? "" };
  const name = nonEmpty(fields.get("NAME"));
  const prettyName = nonEmpty(fields.get("PRETTY_NAME"));
  if (name)
    os.name = name;
  if (codename)
    os.codename = codename;
  if (prettyName)
    os.prettyName = prettyName;
  return os;
}
function codenameFromVersion(version) {
  if (!version)
    return void 0;
  const m = /\(([^)]+)\)/.exec(version) ?? /,\s*(.+)$/.exec(version);
  const word = m?.[1]?.trim().split(/\s+/)[0];
  return word ? word.toLowerCase() : void 0;
}
function codenameFromSid(prettyName) {
  const m = prettyName ? /\b([a-z]+)\/sid\b/.exec(prettyName) : null;
  return m?.[1];
}
function nonEmpty(s) {
  const t = s?.trim();
  return t ? t : void 0;
}

// dist/src/analyzers/os/os-release/release-files.js
var OS_RELEASE_PATHS = ["etc/os-release", "usr/lib/os-release"];
var RELEASE_FILE_PATHS = [
  "etc/lsb-release",
  "etc/rocky-release",
  "etc/almalinux-release",
  "etc/centos-release",
  "etc/fedora-release",
  "etc/system-release",
  "etc/redhat-release",
  "etc/SuSE-release",
  "etc/alpine-release",
  "etc/debian_version"
];
function parseReleaseFile(path, text) {
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== "")?.trim() ?? "";
  switch (path) {
    case "etc/alpine-release":
      return /^\d+\.\d+[\w.+-]*$/.test(firstLine) ? { family: "alpine", version: firstLine } : null;
    case "etc/debian_version":
      return parseDebianVersion(firstLine);
    case "etc/lsb-release":
      return parseLsbRelease(text);
    case "etc/SuSE-release":
      return parseSuseRelease(text, firstLine);
    default:
      return parseRedHatStyle(firstLine);
  }
}
function parseDebianVersion(line) {
  const numeric = /^(\d+)(?:\.\d+)*$/.exec(line);
  if (numeric)
    return { family: "debian", version: numeric[1] };
  const testing = /^([a-z]+)\/sid$/.exec(line);
  if (testing)
    return { family: "debian", version: testing[1], codename: testing[1] };
  return null;
}
function parseLsbRelease(text) {
  const kv = parseKeyValues(text);
  const id = kv.get("DISTRIB_ID")?.trim();
  if (!id)
    return null;
  const os = { family: id.toLowerCase(), version: kv.get("DISTRIB_RELEASE")?.trim() ?? "", name: id };
  const codename = kv.get("DISTRIB_CODENAME")?.trim();
  const description = kv.get("DISTRIB_DESCRIPTION")?.trim();
  if (codename)
    os.codename = codename;
  if (description)
    os.prettyName = description;
  return os;
}
function parseSuseRelease(text, title) {
  const kv = parseKeyValues(text);
  const major = kv.get("VERSION")?.trim();
  if (!major)
    return null;
  const patch = kv.get("PATCHLEVEL")?.trim();
  const version = patch && patch !== "0" ? `${major}.${patch}` : major;
  const name = title.replace(/\s*\([^)]*\)\s*$/, "");
  let family;
  if (/^SUSE Linux Enterprise Desktop/i.test(title))
    family = "sled";
  else if (/^SUSE Linux Enterprise/i.test(title))
    family = "sles";
  else if (/^openSUSE/i.test(title))
    family = Number.parseFloat(major) >= 42 ? "opensuse-leap" : "opensuse";
  else
    return null;
  const os = { family, version, name, prettyName: title };
  const codename = kv.get("CODENAME")?.trim();
  if (codename)
    os.codename = codename;
  return os;
}
var RED_HAT_STYLE = [
  [/^Red Hat Enterprise Linux/i, "rhel"],
  [/^CentOS/i, "centos"],
  [/^Rocky Linux/i, "rocky"],
  [/^AlmaLinux/i, "almalinux"],
  [/^Fedora/i, "fedora"],
  [/^Oracle Linux/i, "ol"],
  [/^Amazon Linux/i, "amzn"]
];
function parseRedHatStyle(line) {
  const m = /^(.+?)\s+release\s+(\d[\w.]*)/i.exec(line);
  if (!m)
    return null;
  const name = m[1];
  const family = RED_HAT_STYLE.find(([re2]) => re2.test(name))?.[1];
  if (!family)
    return null;
  let version = m[2];
  if (family === "amzn")
    version = version.replace(/^(20\d\d)\.\d+\.\d+.*$/, "$1");
  return { family, version, name, prettyName: line };
}

// dist/src/analyzers/os/os-release/index.js
var OS_RELEASE = new Set(OS_RELEASE_PATHS);
var WANTED = /* @__PURE__ */ new Set([...OS_RELEASE_PATHS, ...RELEASE_FILE_PATHS]);
var osReleaseAnalyzer = {
  id: "os/release",
  evidence: "installed",
  version: 1,
  maxFileSize: 64 * 1024,
  required: (path) => WANTED.has(path),
  analyze(file) {
    const text = file.content.toString("utf8");
    const os = OS_RELEASE.has(file.path) ? osFromOsRelease(parseKeyValues(text)) : parseReleaseFile(file.path, text);
    return os ? { os } : null;
  }
};

// dist/src/errors.js
var BulwarkError = class extends Error {
  code;
  constructor(code, message2, options2) {
    super(message2, options2);
    this.code = code;
    this.name = "BulwarkError";
  }
};

// dist/src/analyzers/os/rpm/blob.js
var RpmDbError = class extends Error {
  constructor(message2) {
    super(message2);
    this.name = "RpmDbError";
  }
};

// dist/src/analyzers/os/rpm/bdb.js
var HASH_MAGIC = 398689;
var BTREE_MAGIC = 340322;
var PAGE_HEADER_SIZE = 26;
var P_HASH_UNSORTED = 2;
var P_OVERFLOW = 7;
var P_HASHMETA = 8;
var P_HASH = 13;
var H_KEYDATA = 1;
var H_DUPLICATE = 2;
var H_OFFPAGE = 3;
var H_OFFDUP = 4;
function magicAt12(buf) {
  if (buf.length < 16)
    return null;
  return { le: buf.readUInt32LE(12), be: buf.readUInt32BE(12) };
}
function isBdb(buf) {
  const m = magicAt12(buf);
  return !!m && [HASH_MAGIC, BTREE_MAGIC].some((v) => m.le === v || m.be === v);
}
var Pages = class {
  buf;
  size;
  le;
  count;
  /**
   * Overflow pages read so far. In a sound file each overflow page belongs to one chain, so
   * the total never exceeds the page count; crafted chains shared by thousands of items would
   * otherwise cost time quadratic in the file size.
   */
  overflowReads = 0;
  constructor(buf, size, le) {
    this.buf = buf;
    this.size = size;
    this.le = le;
    this.count = Math.floor(buf.length / size);
  }
  u16(page, at) {
    const off = page * this.size + at;
    return this.le ? this.buf.readUInt16LE(off) : this.buf.readUInt16BE(off);
  }
  u32(page, at) {
    const off = page * this.size + at;
    return this.le ? this.buf.readUInt32LE(off) : this.buf.readUInt32BE(off);
  }
  u8(page, at) {
    return this.buf[page * this.size + at] ?? 0;
  }
  bytes(page, from, to) {
    return this.buf.subarray(page * this.size + from, page * this.size + to);
  }
};
function* bdbBlobs(buf, report) {
  const m = magicAt12(buf);
  if (!m)
    throw new RpmDbError("Berkeley DB file shorter than its metadata header");
  if (m.le === BTREE_MAGIC || m.be === BTREE_MAGIC) {
    throw new RpmDbError("Berkeley DB btree database: rpm's Packages is always a hash database");
  }
  const le = m.le === HASH_MAGIC;
  if (!le && m.be !== HASH_MAGIC)
    throw new RpmDbError("not a Berkeley DB hash database");
  if (buf.length < 72)
    throw new RpmDbError("Berkeley DB metadata page truncated");
  const u32 = (at) => le ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
  const version = u32(16);
  if (version < 8 || version > 10)
    throw new RpmDbError(`unsupported Berkeley DB hash version ${version}`);
  const pageSize = u32(20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & pageSize - 1) !== 0) {
    throw new RpmDbError(`invalid Berkeley DB page size ${pageSize}`);
  }
  if (buf[24] !== 0)
    throw new RpmDbError("encrypted Berkeley DB databases are not supported");
  if (buf[25] !== P_HASHMETA)
    throw new RpmDbError(`Berkeley DB page 0 is type ${buf[25]}, not hash metadata`);
  const pages = new Pages(buf, pageSize, le);
  const seenKeys = /* @__PURE__ */ new Set();
  for (let p = 1; p < pages.count; p++) {
    const type = pages.u8(p, 25);
    if (type !== P_HASH && type !== P_HASH_UNSORTED)
      continue;
    if (pages.u32(p, 8) !== p) {
      report(`bdb page ${p}: header names page ${pages.u32(p, 8)}, skipped`);
      continue;
    }
    yield* hashPageItems(pages, p, seenKeys, report);
    if (pages.overflowReads > pages.count) {
      report(`bdb: overflow chains are shared between items; stopped at page ${p}`);
      return;
    }
  }
}
function* hashPageItems(pages, p, seenKeys, report) {
  const size = pages.size;
  const entries = Math.min(pages.u16(p, 20), Math.floor((size - PAGE_HEADER_SIZE) / 2));
  const indexEnd = PAGE_HEADER_SIZE + entries * 2;
  const offsetOf = (i) => pages.u16(p, PAGE_HEADER_SIZE + i * 2);
  for (let i = 0; i + 1 < entries; i += 2) {
    const where = `bdb page ${p} item ${i / 2}`;
    const keyOff = offsetOf(i);
    const keyEnd2 = i === 0 ? size : offsetOf(i - 1);
    const valOff = offsetOf(i + 1);
    if (keyOff < indexEnd || keyOff >= keyEnd2 || keyEnd2 > size || valOff < indexEnd || valOff >= keyOff) {
      report(`${where}: item offsets out of order or outside the page, rest of page skipped`);
      return;
    }
    if (pages.u8(p, keyOff) !== H_KEYDATA) {
      report(`${where}: unexpected key item type ${pages.u8(p, keyOff)}, skipped`);
      continue;
    }
    const key = pages.bytes(p, keyOff + 1, keyEnd2);
    if (key.length === 4 && key.readUInt32LE(0) === 0)
      continue;
    const keyHex = key.toString("hex");
    if (seenKeys.has(keyHex))
      continue;
    const valType = pages.u8(p, valOff);
    let blob;
    try {
      if (valType === H_KEYDATA) {
        blob = pages.bytes(p, valOff + 1, keyOff);
      } else if (valType === H_OFFPAGE) {
        if (keyOff - valOff < 12)
          throw new RpmDbError("overflow reference item truncated");
        blob = readOverflow(pages, pages.u32(p, valOff + 4), pages.u32(p, valOff + 8));
      } else if (valType === H_DUPLICATE || valType === H_OFFDUP) {
        throw new RpmDbError("duplicate-key items are not used by rpm");
      } else {
        throw new RpmDbError(`unknown item type ${valType}`);
      }
    } catch (e) {
      report(`${where}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    seenKeys.add(keyHex);
    yield { where, blob };
  }
}
function readOverflow(pages, first, total) {
  if (total === 0 || total > pages.buf.length)
    throw new RpmDbError(`overflow length ${total} is impossible`);
  const chunks = [];
  const visited = /* @__PURE__ */ new Set();
  let left = total;
  let pg = first;
  while (left > 0) {
    if (pg === 0 || pg >= pages.count)
      throw new RpmDbError(`overflow page ${pg} outside the file`);
    if (visited.has(pg))
      throw new RpmDbError(`overflow chain loops back to page ${pg}`);
    visited.add(pg);
    if (++pages.overflowReads > pages.count)
      throw new RpmDbError("overflow pages read more than once");
    if (pages.u8(pg, 25) !== P_OVERFLOW || pages.u32(pg, 8) !== pg) {
      throw new RpmDbError(`page ${pg} in an overflow chain is not an overflow page`);
    }
    const used = pages.u16(pg, 22);
    if (used === 0 || used > pages.size - PAGE_HEADER_SIZE || used > left) {
      throw new RpmDbError(`overflow page ${pg} claims ${used} bytes`);
    }
    chunks.push(pages.bytes(pg, PAGE_HEADER_SIZE, PAGE_HEADER_SIZE + used));
    left -= used;
    pg = pages.u32(pg, 16);
  }
  return Buffer.concat(chunks, total);
}

// dist/src/analyzers/os/rpm/header.js
var HeaderError = class extends Error {
  constructor(message2) {
    super(message2);
    this.name = "HeaderError";
  }
};
var TAG = {
  // Region tags: the immutable region of a header (63) and the older image/signature variants.
  HEADERIMAGE: 61,
  HEADERSIGNATURES: 62,
  HEADERIMMUTABLE: 63,
  NAME: 1e3,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SUMMARY: 1004,
  SIZE: 1009,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  SOURCERPM: 1044,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  LONGSIZE: 5009,
  MODULARITYLABEL: 5096
};
var TYPE = {
  INT32: 4,
  INT64: 5,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9
};
var MAX_INDEX_ENTRIES = 65535;
var MAX_DATA_LENGTH = 268435455;
var HEADER_MAGIC = Buffer.from([142, 173, 232, 1]);
var Header = class {
  entries = /* @__PURE__ */ new Map();
  data;
  constructor(blob) {
    let b = blob;
    if (b.length >= 16 && b.subarray(0, 4).equals(HEADER_MAGIC))
      b = b.subarray(8);
    if (b.length < 8)
      throw new HeaderError(`header blob too short (${b.length} bytes)`);
    const il = b.readUInt32BE(0);
    const dl = b.readUInt32BE(4);
    if (il === 0 || il > MAX_INDEX_ENTRIES)
      throw new HeaderError(`implausible index count ${il}`);
    if (dl > MAX_DATA_LENGTH)
      throw new HeaderError(`implausible data length ${dl}`);
    const dataStart = 8 + il * 16;
    if (dataStart + dl > b.length) {
      throw new HeaderError(`header truncated: needs ${dataStart + dl} bytes, blob has ${b.length}`);
    }
    this.data = b.subarray(dataStart, dataStart + dl);
    for (let i = 0; i < il; i++) {
      const at = 8 + i * 16;
      const tag = b.readInt32BE(at);
      if (tag === TAG.HEADERIMMUTABLE || tag === TAG.HEADERIMAGE || tag === TAG.HEADERSIGNATURES)
        continue;
      this.entries.set(tag, {
        type: b.readUInt32BE(at + 4),
        offset: b.readInt32BE(at + 8),
        count: b.readUInt32BE(at + 12)
      });
    }
  }
  has(tag) {
    return this.entries.has(tag);
  }
  /** A STRING, or the first (untranslated) value of an I18NSTRING / STRING_ARRAY. */
  string(tag) {
    const e = this.entries.get(tag);
    if (!e)
      return void 0;
    if (e.type !== TYPE.STRING && e.type !== TYPE.I18NSTRING && e.type !== TYPE.STRING_ARRAY) {
      throw new HeaderError(`tag ${tag}: expected a string, found type ${e.type}`);
    }
    return this.readStrings(tag, e, 1)[0];
  }
  strings(tag) {
    const e = this.entries.get(tag);
    if (!e)
      return void 0;
    if (e.type !== TYPE.STRING_ARRAY && e.type !== TYPE.I18NSTRING && e.type !== TYPE.STRING) {
      throw new HeaderError(`tag ${tag}: expected a string array, found type ${e.type}`);
    }
    return this.readStrings(tag, e, e.type === TYPE.STRING ? 1 : e.count);
  }
  int32s(tag) {
    const e = this.entries.get(tag);
    if (!e)
      return void 0;
    if (e.type !== TYPE.INT32)
      throw new HeaderError(`tag ${tag}: expected INT32, found type ${e.type}`);
    this.checkSpan(tag, e, 4);
    const out = new Array(e.count);
    for (let i = 0; i < e.count; i++)
      out[i] = this.data.readUInt32BE(e.offset + i * 4);
    return out;
  }
  int32(tag) {
    const e = this.entries.get(tag);
    if (!e)
      return void 0;
    if (e.type !== TYPE.INT32)
      throw new HeaderError(`tag ${tag}: expected INT32, found type ${e.type}`);
    if (e.count < 1)
      throw new HeaderError(`tag ${tag}: empty INT32`);
    this.checkSpan(tag, { ...e, count: 1 }, 4);
    return this.data.readUInt32BE(e.offset);
  }
  /** First INT64 value; as a string so values beyond 2^53 survive. */
  int64(tag) {
    const e = this.entries.get(tag);
    if (!e)
      return void 0;
    if (e.type !== TYPE.INT64)
      throw new HeaderError(`tag ${tag}: expected INT64, found type ${e.type}`);
    if (e.count < 1)
      throw new HeaderError(`tag ${tag}: empty INT64`);
    this.checkSpan(tag, { ...e, count: 1 }, 8);
    return this.data.readBigUInt64BE(e.offset).toString();
  }
  checkSpan(tag, e, size) {
    if (e.offset < 0 || e.offset > this.data.length || e.count > (this.data.length - e.offset) / size) {
      throw new HeaderError(`tag ${tag}: ${e.count} values at offset ${e.offset} overrun the ${this.data.length}-byte data`);
    }
  }
  /** `count` NUL-terminated strings from the entry's offset, never reading past the data store. */
  readStrings(tag, e, count) {
    const data = this.data;
    if (e.offset < 0 || e.offset >= data.length) {
      throw new HeaderError(`tag ${tag}: offset ${e.offset} outside the ${data.length}-byte data`);
    }
    if (count > data.length - e.offset) {
      throw new HeaderError(`tag ${tag}: ${count} strings cannot fit in ${data.length - e.offset} bytes`);
    }
    const out = new Array(count);
    let pos = e.offset;
    for (let i = 0; i < count; i++) {
      const end = data.indexOf(0, pos);
      if (end < 0)
        throw new HeaderError(`tag ${tag}: unterminated string at offset ${pos}`);
      out[i] = data.toString("utf8", pos, end);
      pos = end + 1;
    }
    return out;
  }
};
function readPackageHeader(blob) {
  const h = new Header(blob);
  const name = h.string(TAG.NAME);
  const version = h.string(TAG.VERSION);
  const release = h.string(TAG.RELEASE);
  if (!name)
    throw new HeaderError("missing NAME");
  if (version === void 0)
    throw new HeaderError(`${name}: missing VERSION`);
  if (release === void 0)
    throw new HeaderError(`${name}: missing RELEASE`);
  const info = { name, version, release, files: [] };
  const epoch = h.int32(TAG.EPOCH);
  if (epoch !== void 0)
    info.epoch = epoch;
  setIf(info, "arch", optional(() => h.string(TAG.ARCH)));
  setIf(info, "sourceRpm", optional(() => h.string(TAG.SOURCERPM)));
  setIf(info, "license", optional(() => h.string(TAG.LICENSE)));
  setIf(info, "vendor", optional(() => h.string(TAG.VENDOR)));
  setIf(info, "summary", optional(() => h.string(TAG.SUMMARY)));
  setIf(info, "modularityLabel", optional(() => h.string(TAG.MODULARITYLABEL)));
  const size = optional(() => h.int32(TAG.SIZE)?.toString() ?? h.int64(TAG.LONGSIZE));
  setIf(info, "size", size);
  try {
    info.files = fileList(h);
  } catch (e) {
    info.fileListError = e instanceof Error ? e.message : String(e);
  }
  return info;
}
function fileList(h) {
  const basenames = h.strings(TAG.BASENAMES);
  if (!basenames)
    return h.strings(TAG.OLDFILENAMES) ?? [];
  const dirindexes = h.int32s(TAG.DIRINDEXES) ?? [];
  const dirnames = h.strings(TAG.DIRNAMES) ?? [];
  if (dirindexes.length !== basenames.length) {
    throw new HeaderError(`${basenames.length} BASENAMES but ${dirindexes.length} DIRINDEXES`);
  }
  const files = new Array(basenames.length);
  for (let i = 0; i < basenames.length; i++) {
    const dir = dirnames[dirindexes[i] ?? -1];
    if (dir === void 0)
      throw new HeaderError(`DIRINDEXES[${i}] = ${dirindexes[i]} is not a DIRNAMES index`);
    files[i] = dir + basenames[i];
  }
  return files;
}
function optional(read) {
  try {
    return read();
  } catch {
    return void 0;
  }
}
function setIf(info, key, value) {
  if (value !== void 0 && value !== "")
    info[key] = value;
}

// dist/src/analyzers/os/rpm/ndb.js
var DB_MAGIC = 1349349458;
var SLOT_MAGIC = 1953459283;
var BLOB_HEAD_MAGIC = 1398959170;
var BLOB_TAIL_MAGIC = 1164078146;
var PAGE_SIZE = 4096;
var SLOT_SIZE = 16;
var BLK_SIZE = 16;
var HEADER_SLOTS = 2;
var BLOB_HEAD_SIZE = 16;
var BLOB_TAIL_SIZE = 12;
function isNdb(buf) {
  return buf.length >= 4 && buf.readUInt32LE(0) === DB_MAGIC;
}
function* ndbBlobs(buf, report) {
  if (buf.length < 32)
    throw new RpmDbError("ndb header truncated");
  if (!isNdb(buf))
    throw new RpmDbError("not an ndb package database");
  const version = buf.readUInt32LE(4);
  if (version !== 0)
    throw new RpmDbError(`unsupported ndb version ${version}`);
  const declaredPages = buf.readUInt32LE(12);
  if (declaredPages === 0)
    throw new RpmDbError("ndb header declares no slot pages");
  const slotPages = Math.min(declaredPages, Math.floor(buf.length / PAGE_SIZE));
  if (slotPages < declaredPages) {
    report(`ndb: header declares ${declaredPages} slot pages, file holds ${slotPages}; later slots lost`);
  }
  const firstBlobBlock = declaredPages * (PAGE_SIZE / BLK_SIZE);
  const totalSlots = slotPages * (PAGE_SIZE / SLOT_SIZE);
  const seen = /* @__PURE__ */ new Set();
  let blobBytes = 0;
  for (let slot2 = HEADER_SLOTS; slot2 < totalSlots; slot2++) {
    const at = slot2 * SLOT_SIZE;
    const where = `ndb slot ${slot2}`;
    if (buf.readUInt32LE(at) !== SLOT_MAGIC) {
      report(`${where}: bad slot magic, skipped`);
      continue;
    }
    const pkgIdx = buf.readUInt32LE(at + 4);
    const blkOff = buf.readUInt32LE(at + 8);
    const blkCnt = buf.readUInt32LE(at + 12);
    if (blkOff === 0)
      continue;
    if (pkgIdx === 0 || blkCnt === 0 || blkOff < firstBlobBlock) {
      report(`${where}: invalid entry (package ${pkgIdx}, block ${blkOff}, count ${blkCnt}), skipped`);
      continue;
    }
    if (seen.has(pkgIdx)) {
      report(`${where}: package index ${pkgIdx} listed twice, skipped`);
      continue;
    }
    const blob = readBlob(buf, pkgIdx, blkOff, blkCnt);
    if (typeof blob === "string") {
      report(`${where}: ${blob}, skipped`);
      continue;
    }
    blobBytes += blob.length;
    if (blobBytes > buf.length) {
      report(`ndb: blobs overlap; stopped at slot ${slot2}`);
      return;
    }
    seen.add(pkgIdx);
    yield { where: `${where} (package ${pkgIdx})`, blob };
  }
}
function readBlob(buf, pkgIdx, blkOff, blkCnt) {
  const start = blkOff * BLK_SIZE;
  const areaEnd = start + blkCnt * BLK_SIZE;
  if (areaEnd > buf.length)
    return `blob at byte ${start} (${blkCnt} blocks) runs past the end of the file`;
  if (blkCnt * BLK_SIZE < BLOB_HEAD_SIZE + BLOB_TAIL_SIZE)
    return "blob area too small";
  if (buf.readUInt32LE(start) !== BLOB_HEAD_MAGIC)
    return "bad blob magic";
  if (buf.readUInt32LE(start + 4) !== pkgIdx)
    return `blob belongs to package ${buf.readUInt32LE(start + 4)}`;
  const len = buf.readUInt32LE(start + 12);
  if (len === 0 || Math.ceil((BLOB_HEAD_SIZE + len + BLOB_TAIL_SIZE) / BLK_SIZE) !== blkCnt) {
    return `blob length ${len} does not match its ${blkCnt} blocks`;
  }
  const tail = areaEnd - BLOB_TAIL_SIZE;
  if (buf.readUInt32LE(tail + 4) !== len || buf.readUInt32LE(tail + 8) !== BLOB_TAIL_MAGIC) {
    return "bad blob trailer";
  }
  return buf.subarray(start + BLOB_HEAD_SIZE, start + BLOB_HEAD_SIZE + len);
}

// dist/src/analyzers/os/rpm/package.js
function evr(epoch, version, release) {
  return `${epoch === void 0 ? "" : `${epoch}:`}${version}-${release}`;
}
function splitEvr(v) {
  const m = /^(\d+):(.*)$/.exec(v);
  return m ? { epoch: m[1], versionRelease: m[2] ?? "" } : { versionRelease: v };
}
function parseSourceRpm(sourceRpm, epoch) {
  if (!sourceRpm)
    return null;
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(sourceRpm);
  if (!m || !m[1] || !m[2] || !m[3])
    return null;
  return { name: m[1], version: evr(epoch, m[2], m[3]) };
}
function toPackage3(h, path) {
  const metadata = {};
  if (h.vendor)
    metadata.vendor = h.vendor;
  if (h.size !== void 0)
    metadata.size = h.size;
  if (h.summary)
    metadata.summary = h.summary;
  if (h.modularityLabel)
    metadata.modularityLabel = h.modularityLabel;
  const pkg2 = {
    type: "rpm",
    name: h.name,
    version: evr(h.epoch, h.version, h.release),
    purl: "",
    source: parseSourceRpm(h.sourceRpm, h.epoch),
    licenses: h.license ? [h.license] : [],
    locations: [{ path: "/" + path }],
    files: h.files
  };
  if (h.arch)
    pkg2.arch = h.arch;
  if (Object.keys(metadata).length > 0)
    pkg2.metadata = metadata;
  return pkg2;
}

// dist/src/analyzers/os/rpm/purl.js
var import_packageurl_js2 = __toESM(require_packageurl_js(), 1);
function namespaceFor(os, vendor) {
  if (os?.family) {
    const family = os.family.toLowerCase();
    return family === "rhel" ? "redhat" : family;
  }
  return vendor ? vendorNamespace(vendor) : void 0;
}
var VENDORS = [
  [/red hat/i, "redhat"],
  [/centos/i, "centos"],
  [/fedora/i, "fedora"],
  [/rocky/i, "rocky"],
  [/almalinux/i, "almalinux"],
  [/amazon/i, "amzn"],
  [/oracle/i, "ol"],
  [/opensuse/i, "opensuse"],
  [/suse/i, "suse"],
  [/microsoft|mariner/i, "mariner"]
];
function vendorNamespace(vendor) {
  return VENDORS.find(([re2]) => re2.test(vendor))?.[1];
}
function rpmPurl(pkg2, os) {
  const { epoch, versionRelease } = splitEvr(pkg2.version);
  const qualifiers = {};
  if (pkg2.arch)
    qualifiers.arch = pkg2.arch;
  if (epoch !== void 0)
    qualifiers.epoch = epoch;
  if (os?.family)
    qualifiers.distro = os.version ? `${os.family}-${os.version}` : os.family;
  const ns = namespaceFor(os, pkg2.metadata?.vendor);
  return new import_packageurl_js2.PackageURL("rpm", ns, pkg2.name, versionRelease, qualifiers, void 0).toString();
}

// dist/src/analyzers/os/rpm/sqlite.js
import Database from "better-sqlite3";
var SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");
function isSqlite(buf) {
  return buf.length >= 16 && buf.subarray(0, 16).equals(SQLITE_MAGIC);
}
function* sqliteBlobs(buf, report) {
  const db = openFromBuffer(buf);
  let rows;
  let total = 0;
  try {
    checkSchema(db);
    try {
      rows = db.prepare("SELECT hnum, CASE WHEN length(blob) <= ? THEN blob END, length(blob) FROM Packages").raw(true).iterate(buf.length);
    } catch (e) {
      throw new RpmDbError(`cannot read the Packages table: ${message(e)}`);
    }
    for (; ; ) {
      let next;
      try {
        next = rows.next();
      } catch (e) {
        report(`sqlite: reading stopped early: ${message(e)}`);
        return;
      }
      if (next.done)
        return;
      const [hnum, blob, size] = next.value;
      const where = `sqlite row ${String(hnum)}`;
      total += typeof size === "number" ? size : 0;
      if (total > buf.length) {
        report(`sqlite: rows claim more data than the file holds; stopped at ${where}`);
        return;
      }
      if (!Buffer.isBuffer(blob)) {
        report(`${where}: blob column is not a BLOB, skipped`);
        continue;
      }
      yield { where, blob };
    }
  } finally {
    try {
      rows?.return?.();
    } catch {
    }
    db.close();
  }
}
function openFromBuffer(buf) {
  if (!isSqlite(buf))
    throw new RpmDbError("not an SQLite database");
  if (buf.length < 100)
    throw new RpmDbError("SQLite header truncated");
  const r = buf[18];
  const w = buf[19];
  const wal = r === 2 || w === 2;
  try {
    if (wal) {
      buf[18] = 1;
      buf[19] = 1;
    }
    const db = new Database(buf, { readonly: true });
    try {
      db.pragma("trusted_schema = OFF");
      db.pragma("cell_size_check = ON");
    } catch (e) {
      db.close();
      throw e;
    }
    return db;
  } catch (e) {
    throw new RpmDbError(`cannot open SQLite database: ${message(e)}`);
  } finally {
    if (wal) {
      buf[18] = r ?? 0;
      buf[19] = w ?? 0;
    }
  }
}
function checkSchema(db) {
  let row;
  let cols;
  try {
    row = db.prepare("SELECT type, sql FROM sqlite_master WHERE name = 'Packages'").get();
    cols = row?.type === "table" ? db.pragma("table_xinfo(Packages)") : [];
  } catch (e) {
    throw new RpmDbError(`cannot read the SQLite schema: ${message(e)}`);
  }
  if (!row)
    throw new RpmDbError("SQLite database has no Packages table: not an rpm database");
  if (row.type !== "table" || /^\s*create\s+virtual/i.test(row.sql ?? "")) {
    throw new RpmDbError(`SQLite Packages is a ${row.type}, not a plain table`);
  }
  const blob = cols.find((c) => c.name.toLowerCase() === "blob");
  const hnum = cols.find((c) => c.name.toLowerCase() === "hnum");
  if (!blob || !hnum)
    throw new RpmDbError("SQLite Packages table lacks hnum/blob columns");
  if (blob.hidden !== 0 || hnum.hidden !== 0)
    throw new RpmDbError("SQLite Packages columns are computed");
}
function message(e) {
  return e instanceof Error ? e.message : String(e);
}

// dist/src/analyzers/os/rpm/index.js
var DB_DIRS = ["var/lib/rpm/", "usr/lib/sysimage/rpm/", "usr/share/rpm/"];
var DB_FILES = ["Packages", "Packages.db", "rpmdb.sqlite"];
var DB_PATHS2 = new Set(DB_DIRS.flatMap((d) => DB_FILES.map((f) => d + f)));
var MAX_ERRORS3 = 20;
function detectFormat(buf) {
  if (isSqlite(buf))
    return "sqlite";
  if (isNdb(buf))
    return "ndb";
  if (isBdb(buf))
    return "bdb";
  return null;
}
var READERS = {
  sqlite: sqliteBlobs,
  ndb: ndbBlobs,
  bdb: bdbBlobs
};
function analyzeRpmDb(file) {
  const format = detectFormat(file.content);
  if (!format) {
    throw new BulwarkError("INPUT", `${file.path}: not an rpm database (no SQLite, ndb or Berkeley DB hash signature)`);
  }
  const errors = [];
  let dropped = 0;
  const report = (message2) => {
    if (errors.length < MAX_ERRORS3)
      errors.push(message2);
    else
      dropped++;
  };
  const packages = [];
  try {
    for (const { where, blob } of READERS[format](file.content, report)) {
      let info;
      try {
        info = readPackageHeader(blob);
      } catch (e) {
        report(`${where}: corrupt header skipped: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      if (info.name === "gpg-pubkey")
        continue;
      if (info.fileListError)
        report(`${where}: ${info.name}: file list dropped: ${info.fileListError}`);
      packages.push(toPackage3(info, file.path));
    }
  } catch (e) {
    if (!(e instanceof RpmDbError))
      throw e;
    throw new BulwarkError("INPUT", `${file.path}: unreadable rpm ${format} database: ${e.message}`, { cause: e });
  }
  if (dropped > 0)
    errors.push(`${dropped} more errors not shown`);
  return { packages, errors };
}
function comparePackages(a, b) {
  return cmp2(a.name, b.name) || cmp2(a.version, b.version) || cmp2(a.arch ?? "", b.arch ?? "");
}
function cmp2(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function finalizeRpm(packages, ctx) {
  const byKey = /* @__PURE__ */ new Map();
  for (const pkg2 of packages) {
    const key = `${pkg2.name}\0${pkg2.version}\0${pkg2.arch ?? ""}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...pkg2, locations: [...pkg2.locations] });
      continue;
    }
    for (const loc of pkg2.locations) {
      if (!seen.locations.some((l) => l.path === loc.path && l.layer?.diffId === loc.layer?.diffId)) {
        seen.locations.push(loc);
      }
    }
  }
  const out = [...byKey.values()];
  for (const pkg2 of out)
    pkg2.purl = rpmPurl(pkg2, ctx.os);
  return out.sort(comparePackages);
}
var rpmAnalyzer = {
  id: "os/rpm",
  evidence: "installed",
  version: 1,
  // Header blobs are parsed straight out of the buffer; 256 MiB covers the largest real
  // databases (a few tens of MiB) with room to spare while bounding memory.
  maxFileSize: 256 * 1024 * 1024,
  required: (path) => DB_PATHS2.has(path),
  analyze: analyzeRpmDb,
  finalize: finalizeRpm
};

// dist/src/analyzers/shared/finalize.js
var import_packageurl_js3 = __toESM(require_packageurl_js(), 1);
var cmp3 = (a, b) => a < b ? -1 : a > b ? 1 : 0;
var same = (n) => n;
function purlOrEmpty(type, namespace, name, version) {
  try {
    return new import_packageurl_js3.PackageURL(type, namespace, name, version, void 0, void 0).toString();
  } catch {
    return "";
  }
}
function byNameVersionPathOf(sortName) {
  return (a, b) => cmp3(sortName(a.name), sortName(b.name)) || cmp3(a.version, b.version) || cmp3(a.locations[0]?.path ?? "", b.locations[0]?.path ?? "");
}
var byNameVersionPath = byNameVersionPathOf(same);
function finalizeWith(purl, sortName = same) {
  const order = byNameVersionPathOf(sortName);
  return (packages) => {
    for (const p of packages)
      p.purl = purl(p);
    return packages.sort(order);
  };
}
function finalizeWithPurl(type, opts = {}) {
  const purlName = opts.purlName ?? same;
  return finalizeWith((p) => purlOrEmpty(type, void 0, purlName(p.name), p.version), opts.sortName);
}
var finalizeNuget = finalizeWithPurl("nuget", { sortName: (n) => n.toLowerCase() });

// dist/src/analyzers/shared/python-metadata.js
var MAX_HEADER_LINES = 5e3;
function parseMetadata(text) {
  const headers = /* @__PURE__ */ new Map();
  let last;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && i < MAX_HEADER_LINES; i++) {
    const line = lines[i];
    if (line === "")
      break;
    if (/^[ \t]/.test(line) && last) {
      const vals = headers.get(last);
      vals[vals.length - 1] += "\n" + line.trim();
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0)
      continue;
    last = line.slice(0, colon).trim().toLowerCase();
    const list = headers.get(last) ?? [];
    list.push(line.slice(colon + 1).trim());
    headers.set(last, list);
  }
  const one = (k) => headers.get(k)?.[0] || void 0;
  return { name: one("name"), version: one("version"), licenses: licenses(headers) };
}
function licenses(h) {
  const expr = h.get("license-expression")?.[0];
  if (expr)
    return [expr];
  const fromClassifiers = (h.get("classifier") ?? []).filter((c) => c.startsWith("License ::")).map((c) => c.split("::").pop().trim()).filter((c) => c && c !== "OSI Approved");
  if (fromClassifiers.length)
    return [...new Set(fromClassifiers)];
  const lic = h.get("license")?.[0];
  if (lic && lic !== "UNKNOWN" && lic.length <= 80 && !lic.includes("\n"))
    return [lic];
  return [];
}
function pep503(name) {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}
var finalizePypi = finalizeWithPurl("pypi", { purlName: pep503, sortName: pep503 });

// dist/src/analyzers/lang/python/index.js
var PKG_DIR = /(^|\/)(site|dist)-packages\//;
var WANTED2 = /\.(dist-info\/METADATA|egg-info\/PKG-INFO|egg-info|egg\/EGG-INFO\/PKG-INFO)$/i;
function wantedPath(path) {
  return path.includes("-packages/") && WANTED2.test(path) && PKG_DIR.test(path);
}
var pythonAnalyzer = {
  id: "lang/python",
  evidence: "installed",
  version: 2,
  maxFileSize: 4 * 2 ** 20,
  required: wantedPath,
  analyze(file) {
    const meta = parseMetadata(file.content.toString("utf8"));
    if (!meta.name || !meta.version) {
      return { errors: [`no Name/Version in ${file.path}`] };
    }
    const pkg2 = {
      type: "pypi",
      name: meta.name,
      version: meta.version,
      purl: "",
      source: null,
      licenses: meta.licenses,
      locations: [{ path: "/" + file.path }]
    };
    return { packages: [pkg2] };
  },
  finalize: finalizePypi
};

// dist/src/analyzers/shared/npm-package.js
function npmPackage(name, version, path, extra = {}) {
  return { type: "npm", name, version, purl: "", source: null, licenses: [], locations: [{ path: "/" + path }], ...extra };
}
function npmPurl(name, version) {
  const slash = name.startsWith("@") ? name.indexOf("/") : -1;
  const namespace = slash > 0 ? name.slice(0, slash) : void 0;
  const base = slash > 0 ? name.slice(slash + 1) : name;
  return purlOrEmpty("npm", namespace, base, version || void 0);
}
function npmLicenses(...values) {
  const out = [];
  const add = (v) => {
    if (typeof v === "string") {
      const s = v.trim();
      if (s && s.length <= 512 && !out.includes(s))
        out.push(s);
    } else if (v && typeof v === "object" && !Array.isArray(v)) {
      add(v.type);
    }
  };
  for (const v of values) {
    if (Array.isArray(v))
      for (const item of v.slice(0, 32))
        add(item);
    else
      add(v);
  }
  return out;
}
function addUnique(seen, pkg2) {
  const key = `${pkg2.name}\0${pkg2.version}`;
  const prev = seen.get(key);
  if (!prev) {
    seen.set(key, pkg2);
    return;
  }
  if (prev.dev && !pkg2.dev)
    delete prev.dev;
  if (prev.licenses.length === 0 && pkg2.licenses.length)
    prev.licenses = pkg2.licenses;
}
function finalizeNpm(packages) {
  const merged = /* @__PURE__ */ new Map();
  for (const p of packages) {
    const key = `${p.name}\0${p.version}\0${p.locations[0]?.path ?? ""}`;
    const prev = merged.get(key);
    if (prev) {
      if (prev.dev && !p.dev)
        delete prev.dev;
      continue;
    }
    merged.set(key, p);
    p.purl = npmPurl(p.name, p.version);
  }
  return [...merged.values()].sort(byNameVersionPath);
}

// dist/src/analyzers/shared/json.js
function parseJsonFile(file) {
  try {
    return { ok: true, value: JSON.parse(file.content.toString("utf8")) };
  } catch (e) {
    return { ok: false, error: `${file.path}: not JSON: ${e.message}` };
  }
}

// dist/src/analyzers/lang/npm/index.js
var DEBIAN_ROOT = /^usr\/(share\/nodejs|lib\/nodejs|lib\/[^/]+\/nodejs)\//;
function wantedPath2(path) {
  if (!path.endsWith("/package.json"))
    return false;
  const segs = path.split("/");
  segs.pop();
  let i;
  const debian = DEBIAN_ROOT.exec(path);
  if (debian) {
    i = debian[1].split("/").length + 1;
  } else {
    i = segs.indexOf("node_modules");
    if (i === -1)
      return false;
  }
  let first = !!debian;
  while (i < segs.length) {
    if (!first) {
      if (segs[i] !== "node_modules")
        return false;
      i++;
      if (segs[i] === ".pnpm" && segs[i + 2] === "node_modules")
        i += 3;
    }
    first = false;
    const seg = segs[i];
    if (seg === void 0 || seg === "" || seg.startsWith("."))
      return false;
    if (seg.startsWith("@")) {
      const name = segs[i + 1];
      if (name === void 0 || name === "" || name.startsWith("."))
        return false;
      i += 2;
    } else {
      i += 1;
    }
  }
  return i === segs.length;
}
var npmAnalyzer = {
  id: "lang/npm",
  evidence: "installed",
  version: 1,
  maxFileSize: 4 * 2 ** 20,
  required: (path) => wantedPath2(path),
  analyze(file) {
    const parsed = parseJsonFile(file);
    if (!parsed.ok)
      return { errors: [parsed.error] };
    const json = parsed.value;
    if (!json || typeof json !== "object" || Array.isArray(json))
      return { errors: [`${file.path} is not a JSON object`] };
    const m = json;
    if (typeof m.name !== "string" || typeof m.version !== "string")
      return null;
    const name = m.name.trim();
    const version = m.version.trim();
    if (!name || !version || name.length > 214 || version.length > 256)
      return null;
    const pkg2 = npmPackage(name, version, file.path, { licenses: npmLicenses(m.license, m.licenses) });
    if (m.private === true)
      pkg2.metadata = { private: "true" };
    return { packages: [pkg2] };
  },
  finalize: (packages) => finalizeNpm(packages)
};

// dist/src/analyzers/shared/paths.js
var SKIP_SEGMENTS = /* @__PURE__ */ new Set(["node_modules", ".git", ".hg", ".svn"]);
var FIXTURE_DIRS = /(^|\/)(testdata|test-fixtures|__fixtures__|fixtures|test\/fixtures|tests\/fixtures)\//;
function baseName(path) {
  const i = path.lastIndexOf("/");
  return i === -1 ? path : path.slice(i + 1);
}
function lockfileDiscoverable(path) {
  for (const seg of path.split("/"))
    if (SKIP_SEGMENTS.has(seg))
      return false;
  return !FIXTURE_DIRS.test(path);
}

// dist/src/analyzers/lang/npm-lock/index.js
var NAMES = /* @__PURE__ */ new Set(["package-lock.json", "npm-shrinkwrap.json"]);
var MAX_DEPTH = 256;
var isObj = (v) => !!v && typeof v === "object" && !Array.isArray(v);
function wantedPath3(path) {
  return NAMES.has(baseName(path)) && lockfileDiscoverable(path);
}
var npmLockAnalyzer = {
  id: "lang/npm-lock",
  evidence: "declared",
  version: 1,
  maxFileSize: 64 * 2 ** 20,
  required: (path) => wantedPath3(path),
  analyze(file) {
    const parsed = parseJsonFile(file);
    if (!parsed.ok)
      throw new Error(parsed.error);
    const json = parsed.value;
    if (!isObj(json))
      throw new Error(`${file.path} is not a JSON object`);
    const seen = /* @__PURE__ */ new Map();
    const errors = [];
    if (isObj(json.packages))
      readPackages(json.packages, file.path, seen);
    else if (isObj(json.dependencies))
      readDependencies(json.dependencies, file.path, seen, errors);
    return { packages: [...seen.values()], ...errors.length ? { errors } : {} };
  },
  finalize: (packages) => finalizeNpm(packages)
};
function nameFromKey(key) {
  const i = key.lastIndexOf("node_modules/");
  const rest = i === -1 ? key : key.slice(i + "node_modules/".length);
  const segs = rest.split("/");
  if (i !== -1)
    return segs[0].startsWith("@") && segs.length > 1 ? `${segs[0]}/${segs[1]}` : segs[0];
  return segs[segs.length - 1];
}
function readPackages(packages, path, seen) {
  const linkNames = /* @__PURE__ */ new Map();
  for (const [key, entry] of Object.entries(packages)) {
    if (isObj(entry) && entry.link === true && typeof entry.resolved === "string")
      linkNames.set(entry.resolved, nameFromKey(key));
  }
  for (const [key, entry] of Object.entries(packages)) {
    if (key === "" || !isObj(entry) || entry.link === true)
      continue;
    const version = typeof entry.version === "string" ? entry.version : "";
    if (!version)
      continue;
    const inNodeModules = key.startsWith("node_modules/") || key.includes("/node_modules/");
    const name = typeof entry.name === "string" && entry.name ? entry.name : !inNodeModules && linkNames.get(key) || nameFromKey(key);
    const pkg2 = npmPackage(name, version, path, { licenses: npmLicenses(entry.license, entry.licenses) });
    if (entry.dev === true || entry.devOptional === true)
      pkg2.dev = true;
    const metadata = {};
    if (entry.inBundle === true)
      metadata.bundled = "true";
    if (!inNodeModules)
      metadata.folder = key;
    if (Object.keys(metadata).length)
      pkg2.metadata = metadata;
    addUnique(seen, pkg2);
  }
}
function readDependencies(root, path, seen, errors) {
  const stack = [{ deps: root, depth: 0 }];
  while (stack.length) {
    const { deps, depth } = stack.pop();
    if (depth > MAX_DEPTH) {
      errors.push(`dependencies nested deeper than ${MAX_DEPTH} levels in ${path}; the rest is skipped`);
      break;
    }
    for (const [key, entry] of Object.entries(deps)) {
      if (!isObj(entry))
        continue;
      if (isObj(entry.dependencies))
        stack.push({ deps: entry.dependencies, depth: depth + 1 });
      const resolved = v1Version(key.includes("node_modules/") ? nameFromKey(key) : key, entry);
      if (!resolved)
        continue;
      const pkg2 = npmPackage(resolved.name, resolved.version, path);
      if (entry.dev === true)
        pkg2.dev = true;
      if (entry.bundled === true)
        pkg2.metadata = { bundled: "true" };
      addUnique(seen, pkg2);
    }
  }
}
function v1Version(key, entry) {
  const v = typeof entry.version === "string" ? entry.version.trim() : "";
  if (!v || v.startsWith("file:"))
    return null;
  if (v.startsWith("npm:")) {
    const spec = v.slice(4);
    const at = spec.lastIndexOf("@");
    if (at <= 0)
      return null;
    return { name: spec.slice(0, at), version: spec.slice(at + 1) };
  }
  if (/^[a-z+]+:/i.test(v) || v.includes("/")) {
    const hash = v.lastIndexOf("#");
    if (hash === -1)
      return null;
    const from = typeof entry.from === "string" ? /^(@[^/@]+\/)?[^/@]+(?=@)/.exec(entry.from)?.[0] : void 0;
    return { name: from ?? key, version: v.slice(hash + 1) };
  }
  return { name: key, version: v };
}

// dist/src/analyzers/lang/yarn/berry.js
var import_yaml = __toESM(require_dist(), 1);

// dist/src/analyzers/shared/yaml-depth.js
function assertFlowDepth(text, max, what) {
  let depth = 0;
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === 10 || text[i] === quote)
        quote = "";
      continue;
    }
    if (c === 34 || c === 39)
      quote = text[i];
    else if (c === 91 || c === 123) {
      if (++depth > max)
        throw new Error(`${what}: collections nested deeper than ${max} levels`);
    } else if (c === 93 || c === 125) {
      if (depth > 0)
        depth--;
    }
  }
}

// dist/src/analyzers/lang/yarn/descriptor.js
function splitDescriptor(descriptor) {
  const at = descriptor.indexOf("@", descriptor.startsWith("@") ? 1 : 0);
  if (at <= 0)
    return null;
  const name = descriptor.slice(0, at);
  if (name.startsWith("@") && !name.includes("/"))
    return null;
  return { name, rest: descriptor.slice(at + 1) };
}
function realName(descriptor) {
  const d = splitDescriptor(descriptor);
  if (!d)
    return null;
  if (d.rest.startsWith("npm:")) {
    const inner = splitDescriptor(d.rest.slice(4));
    if (inner)
      return inner.name;
  }
  return d.name;
}

// dist/src/analyzers/lang/yarn/berry.js
var LOCAL = ["workspace:", "link:", "portal:"];
function parseBerry(text, path) {
  assertFlowDepth(text, 64, path);
  const doc = (0, import_yaml.parseDocument)(text, { schema: "failsafe", uniqueKeys: false });
  if (doc.errors.length)
    throw new Error(`invalid YAML in ${path}: ${doc.errors[0].message.split("\n")[0]}`);
  const root = doc.toJS({ maxAliasCount: 100 });
  if (!root || typeof root !== "object" || Array.isArray(root))
    throw new Error(`${path} is not a YAML mapping`);
  const entries = [];
  const errors = [];
  for (const [key, value] of Object.entries(root)) {
    if (key === "__metadata" || !value || typeof value !== "object")
      continue;
    const e = value;
    const resolution = typeof e.resolution === "string" ? e.resolution : "";
    const version = typeof e.version === "string" ? e.version : "";
    const d = splitDescriptor(resolution);
    if (!d || !version) {
      if (errors.length < 20)
        errors.push(`${path}: entry ${JSON.stringify(key.slice(0, 100))} has no usable resolution/version`);
      continue;
    }
    if (LOCAL.some((p) => d.rest.startsWith(p)) || version === "0.0.0-use.local")
      continue;
    entries.push({ name: d.name, version });
  }
  return { entries, errors };
}

// dist/src/analyzers/lang/yarn/classic.js
function parseClassic(text, path) {
  const entries = [];
  const errors = [];
  let current = null;
  let lineNo = 0;
  for (const raw of text.split("\n")) {
    lineNo++;
    const line = raw.replace(/\r$/, "");
    if (line === "" || line.trimStart().startsWith("#"))
      continue;
    if (!line.startsWith(" ")) {
      current = null;
      if (!line.endsWith(":")) {
        if (errors.length < 20)
          errors.push(`${path}:${lineNo}: unexpected line outside an entry`);
        continue;
      }
      const first = unquote2(line.slice(0, -1).split(",")[0].trim());
      const d = splitDescriptor(first);
      if (!d) {
        if (errors.length < 20)
          errors.push(`${path}:${lineNo}: cannot read package name from ${JSON.stringify(first.slice(0, 100))}`);
        continue;
      }
      if (!d.rest.startsWith("link:"))
        current = realName(first);
      continue;
    }
    if (!current)
      continue;
    const m = /^ {2}"?version"?\s+"?([^"]*)"?\s*$/.exec(line);
    if (m && m[1]) {
      entries.push({ name: current, version: m[1] });
      current = null;
    }
  }
  return { entries, errors };
}
function unquote2(s) {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

// dist/src/analyzers/lang/yarn/index.js
function wantedPath4(path) {
  return baseName(path) === "yarn.lock" && lockfileDiscoverable(path);
}
function isBerry(text) {
  return /^__metadata:/m.test(text.slice(0, 4096));
}
var yarnAnalyzer = {
  id: "lang/yarn",
  evidence: "declared",
  version: 1,
  maxFileSize: 64 * 2 ** 20,
  required: (path) => wantedPath4(path),
  analyze(file) {
    const text = file.content.toString("utf8");
    const { entries, errors } = isBerry(text) ? parseBerry(text, file.path) : parseClassic(text, file.path);
    const seen = /* @__PURE__ */ new Map();
    for (const e of entries)
      addUnique(seen, { type: "npm", name: e.name, version: e.version, purl: "", source: null, licenses: [], locations: [{ path: "/" + file.path }] });
    return { packages: [...seen.values()], ...errors.length ? { errors } : {} };
  },
  finalize: (packages) => finalizeNpm(packages)
};

// dist/src/analyzers/lang/pnpm/index.js
var import_yaml2 = __toESM(require_dist(), 1);

// dist/src/analyzers/lang/pnpm/dev.js
var isObj2 = (v) => !!v && typeof v === "object" && !Array.isArray(v);
function devOnlyV9(root) {
  const snapshots = root.snapshots;
  if (!isObj2(snapshots) || !isObj2(root.importers))
    return null;
  const prodRoots = [];
  const devRoots = [];
  for (const importer of Object.values(root.importers)) {
    if (!isObj2(importer))
      continue;
    for (const group of ["dependencies", "optionalDependencies", "devDependencies"]) {
      const deps = importer[group];
      if (!isObj2(deps))
        continue;
      for (const [name, spec] of Object.entries(deps)) {
        const version = isObj2(spec) ? spec.version : spec;
        const key = typeof version === "string" ? snapshotKey(snapshots, name, version) : null;
        if (key)
          (group === "devDependencies" ? devRoots : prodRoots).push(key);
      }
    }
  }
  const prod = reach(snapshots, prodRoots);
  const dev = reach(snapshots, devRoots);
  const out = /* @__PURE__ */ new Set();
  for (const key of dev)
    if (!prod.has(key))
      out.add(key);
  for (const key of prod)
    out.delete(key);
  return out;
}
function reach(snapshots, roots) {
  const visited = /* @__PURE__ */ new Set();
  const packages = /* @__PURE__ */ new Set();
  const stack = [...roots];
  while (stack.length) {
    const key = stack.pop();
    if (visited.has(key))
      continue;
    visited.add(key);
    packages.add(stripPeers(key));
    const snap = snapshots[key];
    if (!isObj2(snap))
      continue;
    for (const group of ["dependencies", "optionalDependencies"]) {
      const deps = snap[group];
      if (!isObj2(deps))
        continue;
      for (const [name, version] of Object.entries(deps)) {
        const next = typeof version === "string" ? snapshotKey(snapshots, name, version) : null;
        if (next && !visited.has(next))
          stack.push(next);
      }
    }
  }
  return packages;
}
function snapshotKey(snapshots, name, version) {
  if (version.startsWith("link:"))
    return null;
  const plain = `${name}@${version}`;
  if (plain in snapshots)
    return plain;
  return version in snapshots ? version : null;
}
var stripPeers = (key) => {
  const i = key.indexOf("(");
  return i === -1 ? key : key.slice(0, i);
};

// dist/src/analyzers/lang/pnpm/keys.js
var VERSION = /^v?\d+(\.\d+)*([-+][0-9A-Za-z.+-]*)?$/;
function looksLikeVersion(v) {
  return VERSION.test(v);
}
function splitAt(s) {
  const at = s.indexOf("@", s.startsWith("@") ? 1 : 0);
  if (at <= 0)
    return null;
  return { name: s.slice(0, at), rest: s.slice(at + 1) };
}
function parseKey(key, major) {
  let k = key;
  const paren = k.indexOf("(");
  if (paren !== -1)
    k = k.slice(0, paren);
  const leadingSlash = k.startsWith("/");
  if (leadingSlash)
    k = k.slice(1);
  let name;
  let version;
  if (major >= 6) {
    const d = splitAt(k);
    if (!d)
      return null;
    ({ name, rest: version } = d);
  } else {
    const segs = k.split("/");
    if (!leadingSlash)
      segs.shift();
    const scoped = segs[0]?.startsWith("@") ?? false;
    if (segs.length !== (scoped ? 3 : 2))
      return null;
    name = scoped ? `${segs[0]}/${segs[1]}` : segs[0];
    version = segs[segs.length - 1];
    const us = version.indexOf("_");
    if (us !== -1)
      version = version.slice(0, us);
  }
  if (!name || name.startsWith("@") && !/^@[^/]+\/[^/]+$/.test(name) || !looksLikeVersion(version))
    return null;
  return { name, version };
}

// dist/src/analyzers/lang/pnpm/index.js
var isObj3 = (v) => !!v && typeof v === "object" && !Array.isArray(v);
var str = (v) => typeof v === "string" ? v : "";
function wantedPath5(path) {
  return baseName(path) === "pnpm-lock.yaml" && lockfileDiscoverable(path);
}
var pnpmAnalyzer = {
  id: "lang/pnpm",
  evidence: "declared",
  version: 1,
  maxFileSize: 64 * 2 ** 20,
  required: (path) => wantedPath5(path),
  analyze(file) {
    const text = file.content.toString("utf8");
    assertFlowDepth(text, 64, file.path);
    const docs = (0, import_yaml2.parseAllDocuments)(text, { schema: "failsafe", uniqueKeys: false });
    const list = Array.isArray(docs) ? docs : [];
    const seen = /* @__PURE__ */ new Map();
    const errors = [];
    for (const doc of list) {
      if (doc.errors.length)
        throw new Error(`invalid YAML in ${file.path}: ${doc.errors[0].message.split("\n")[0]}`);
      const root = doc.toJS({ maxAliasCount: 100 });
      if (root === null || root === void 0 || root === "")
        continue;
      if (!isObj3(root))
        throw new Error(`${file.path} is not a YAML mapping`);
      if (isEnvDocument(root))
        continue;
      readLockfile(root, file.path, seen, errors);
    }
    return { packages: [...seen.values()], ...errors.length ? { errors } : {} };
  },
  finalize: (packages) => finalizeNpm(packages)
};
function isEnvDocument(root) {
  if (!isObj3(root.importers))
    return false;
  return Object.values(root.importers).some((i) => isObj3(i) && ("packageManagerDependencies" in i || "configDependencies" in i) && !("dependencies" in i) && !("devDependencies" in i));
}
function readLockfile(root, path, seen, errors) {
  const major = Number.parseFloat(str(root.lockfileVersion)) || guessMajor(root);
  if (!isObj3(root.packages))
    return;
  const devOnly = major >= 9 ? devOnlyV9(root) : null;
  for (const [key, value] of Object.entries(root.packages)) {
    const entry = isObj3(value) ? value : {};
    let name = str(entry.name);
    let version = str(entry.version);
    if (!name || !version) {
      const parsed = parseKey(key, major);
      if (parsed) {
        name ||= parsed.name;
        version ||= parsed.version;
      } else if (version && major >= 6) {
        name ||= splitAt(key.replace(/^\//, ""))?.name ?? "";
      }
    }
    if (!name || !version) {
      if (errors.length < 20)
        errors.push(`${path}: cannot read a package name and version from key ${JSON.stringify(key.slice(0, 200))}`);
      continue;
    }
    const pkg2 = npmPackage(name, version, path);
    if (devOnly ? devOnly.has(key) : entry.dev === "true")
      pkg2.dev = true;
    addUnique(seen, pkg2);
  }
}
function guessMajor(root) {
  const first = isObj3(root.packages) ? Object.keys(root.packages)[0] : void 0;
  return first && /^\/?(@[^/]+\/)?[^/@]+@/.test(first) ? 6 : 5;
}

// dist/src/analyzers/shared/zip.js
var import_yauzl = __toESM(require_yauzl(), 1);
import { createWriteStream } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
var OPTIONS = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true };
function openFile(path) {
  return import_yauzl.default.openPromise(path, OPTIONS);
}
function openBuffer(buf) {
  return import_yauzl.default.fromBufferPromise(buf, OPTIONS);
}
function entryName(e) {
  const raw = e.fileName;
  const s = typeof raw === "string" ? raw : (e.generalPurposeBitFlag & 2048) !== 0 ? raw.toString("utf8") : raw.toString("latin1");
  return s.replace(/[\x00-\x1f\x7f]/g, "?");
}
function forEachEntry(zip, visit) {
  return new Promise((resolve2, reject) => {
    zip.on("entry", (e) => {
      try {
        visit(e);
        zip.readEntry();
      } catch (err) {
        reject(err);
      }
    });
    zip.once("end", () => resolve2());
    zip.once("error", reject);
    zip.readEntry();
  });
}
function capped(cap, what) {
  let n = 0;
  return new Transform({
    transform(chunk, _enc, cb) {
      n += chunk.length;
      if (n > cap)
        cb(new Error(`${what} inflates past ${cap} bytes`));
      else
        cb(null, chunk);
    }
  });
}
async function stream(zip, e) {
  return zip.openReadStreamPromise(e);
}
async function readEntry(zip, e, cap) {
  const name = entryName(e);
  if (e.uncompressedSize > cap)
    throw new Error(`${name}: ${e.uncompressedSize} bytes, over the ${cap}-byte limit`);
  const chunks = [];
  let n = 0;
  await pipeline(await stream(zip, e), capped(cap, name), async (source) => {
    for await (const c of source) {
      chunks.push(c);
      n += c.length;
    }
  });
  return Buffer.concat(chunks, n);
}
var MAX_SCANNED = 2e5;
async function readZipMember(source, member, maxBytes) {
  let zip;
  try {
    zip = await (source.localPath ? openFile(source.localPath) : openBuffer(source.content));
  } catch (e) {
    throw new Error(`not a zip archive: ${e.message}`);
  }
  try {
    const entry = await new Promise((resolve2, reject) => {
      let seen = 0;
      zip.on("entry", (e) => {
        if (entryName(e) === member)
          return resolve2(e);
        if (++seen >= MAX_SCANNED)
          return reject(new Error(`zip archive has more than ${MAX_SCANNED} entries`));
        zip.readEntry();
      });
      zip.once("end", () => resolve2(null));
      zip.once("error", (e) => reject(new Error(`corrupt zip archive: ${e.message}`)));
      zip.readEntry();
    });
    return entry ? await readEntry(zip, entry, maxBytes) : null;
  } finally {
    zip.close();
  }
}
async function spoolEntry(zip, e, dest, cap) {
  await pipeline(await stream(zip, e), capped(cap, entryName(e)), createWriteStream(dest, { mode: 384 }));
}

// dist/src/analyzers/lang/python-egg/index.js
var PKG_DIR2 = /(^|\/)(site|dist)-packages\//;
var MAX_PKG_INFO = 4 * 2 ** 20;
var S_IFMT = 61440;
var S_IFDIR = 16384;
function wantedPath6(path, info) {
  if (!path.endsWith(".egg") || !PKG_DIR2.test(path))
    return false;
  return !info || (info.mode & S_IFMT) !== S_IFDIR;
}
var pythonEggAnalyzer = {
  id: "lang/python-egg",
  evidence: "installed",
  version: 1,
  maxFileSize: 512 * 2 ** 20,
  input: "file",
  required: wantedPath6,
  async analyze(file) {
    let data;
    try {
      data = await readZipMember(file, "EGG-INFO/PKG-INFO", MAX_PKG_INFO);
    } catch (e) {
      return { errors: [`${file.path}: ${e.message}`] };
    }
    if (!data)
      return { errors: [`${file.path}: no EGG-INFO/PKG-INFO in the egg`] };
    const meta = parseMetadata(data.toString("utf8"));
    if (!meta.name || !meta.version)
      return { errors: [`no Name/Version in ${file.path}!/EGG-INFO/PKG-INFO`] };
    const pkg2 = {
      type: "pypi",
      name: meta.name,
      version: meta.version,
      purl: "",
      source: null,
      licenses: meta.licenses,
      locations: [{ path: "/" + file.path }]
    };
    return { packages: [pkg2] };
  },
  finalize: finalizePypi
};

// dist/src/analyzers/lang/python-lock/pipfile.js
function parsePipfileLock(text) {
  const doc = JSON.parse(text);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new Error("Pipfile.lock is not a JSON object");
  const byKey = /* @__PURE__ */ new Map();
  for (const [section, dev] of [["default", false], ["develop", true]]) {
    const deps = doc[section];
    if (typeof deps !== "object" || deps === null)
      continue;
    for (const [name, entry] of Object.entries(deps)) {
      const v = entry?.version;
      if (typeof v !== "string" || !v.startsWith("=="))
        continue;
      const version = v.replace(/^===?/, "").trim();
      const key = `${name}@${version}`;
      if (!byKey.has(key))
        byKey.set(key, { name, version, dev });
    }
  }
  return [...byKey.values()];
}

// dist/src/analyzers/lang/python-lock/requirements.js
var MAX_LINES = 2e5;
var MAX_SPEC = 1024;
var PIN = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*===?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)$/;
function logicalLines(text) {
  const out = [];
  let pending = [];
  const physical = text.split(/\r?\n/).slice(0, MAX_LINES);
  for (const line of physical) {
    const commentLine = /^\s*#/.test(line);
    if (!line.endsWith("\\") || commentLine) {
      if (pending.length) {
        out.push(pending.join("") + (commentLine ? " " + line : line));
        pending = [];
      } else
        out.push(line);
    } else
      pending.push(trimBackslashes(line));
  }
  if (pending.length)
    out.push(pending.join(""));
  return out;
}
function trimBackslashes(s) {
  let a = 0;
  let b = s.length;
  while (a < b && s[a] === "\\")
    a++;
  while (b > a && s[b - 1] === "\\")
    b--;
  return s.slice(a, b);
}
function stripComment(line) {
  for (let i = line.indexOf("#"); i !== -1; i = line.indexOf("#", i + 1)) {
    if (i === 0 || /\s/.test(line[i - 1]))
      return line.slice(0, i);
  }
  return line;
}
function parseRequirements(text) {
  const pins = [];
  const includes = [];
  for (const raw of logicalLines(text)) {
    const line = stripComment(raw).trim();
    if (!line)
      continue;
    if (line.startsWith("-")) {
      const inc = /^(?:--(?:requirements?|constraints?)(?:=|\s+)|-[rc]\s*=?\s*)(\S+)/.exec(line);
      if (inc)
        includes.push(inc[1]);
      continue;
    }
    let spec = line.split(";", 1)[0];
    const opt = spec.search(/\s--?[A-Za-z]/);
    if (opt !== -1)
      spec = spec.slice(0, opt);
    spec = spec.trim();
    const m = spec.length <= MAX_SPEC ? PIN.exec(spec) : null;
    if (m)
      pins.push({ name: m[1], version: m[2] });
  }
  return { pins, includes };
}

// dist/src/analyzers/shared/toml.js
var MAX_DEPTH2 = 100;
function parseToml(text) {
  return new Reader(text).document();
}
var newTable = () => /* @__PURE__ */ Object.create(null);
var isTable = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var BARE_KEY = /[A-Za-z0-9_-]/;
var Reader = class {
  s;
  i = 0;
  line = 1;
  constructor(s) {
    this.s = s;
    if (s.charCodeAt(0) === 65279)
      this.i = 1;
  }
  document() {
    const root = newTable();
    let current = root;
    for (; ; ) {
      this.skipBlank(true);
      if (this.i >= this.s.length)
        return root;
      if (this.s[this.i] === "[") {
        const array = this.s[this.i + 1] === "[";
        this.i += array ? 2 : 1;
        this.skipSpace();
        const keys = this.key();
        this.skipSpace();
        if (!this.s.startsWith(array ? "]]" : "]", this.i))
          this.fail(`expected ${array ? "]]" : "]"} after table name`);
        this.i += array ? 2 : 1;
        current = array ? this.openArrayTable(root, keys) : this.openTable(root, keys);
      } else {
        const keys = this.key();
        this.skipSpace();
        if (this.s[this.i] !== "=")
          this.fail("expected = after key");
        this.i++;
        this.skipSpace();
        this.assign(current, keys, this.value(0));
      }
      this.endOfLine();
    }
  }
  openTable(root, keys) {
    let t = root;
    for (const k of keys)
      t = this.descend(t, k);
    return t;
  }
  openArrayTable(root, keys) {
    let t = root;
    for (const k of keys.slice(0, -1))
      t = this.descend(t, k);
    const last = keys[keys.length - 1];
    const existing = t[last];
    const fresh = newTable();
    if (existing === void 0)
      t[last] = [fresh];
    else if (Array.isArray(existing))
      existing.push(fresh);
    else
      this.fail(`${last} is not an array of tables`);
    return fresh;
  }
  /** Step into key k of t, creating a table; an array of tables means its last element. */
  descend(t, k) {
    const v = t[k];
    if (v === void 0)
      return t[k] = newTable();
    if (Array.isArray(v)) {
      const last = v[v.length - 1];
      if (isTable(last))
        return last;
    } else if (isTable(v))
      return v;
    return this.fail(`${k} is not a table`);
  }
  assign(t, keys, value) {
    for (const k of keys.slice(0, -1))
      t = this.descend(t, k);
    const last = keys[keys.length - 1];
    if (t[last] !== void 0)
      this.fail(`duplicate key ${last}`);
    t[last] = value;
  }
  key() {
    const parts = [];
    for (; ; ) {
      const c = this.s[this.i];
      if (c === '"')
        parts.push(this.basicString());
      else if (c === "'")
        parts.push(this.literalString());
      else {
        const start = this.i;
        while (this.i < this.s.length && BARE_KEY.test(this.s[this.i]))
          this.i++;
        if (this.i === start)
          this.fail("expected a key");
        parts.push(this.s.slice(start, this.i));
      }
      this.skipSpace();
      if (this.s[this.i] !== ".")
        return parts;
      this.i++;
      this.skipSpace();
    }
  }
  value(depth) {
    if (depth > MAX_DEPTH2)
      this.fail("nesting too deep");
    const c = this.s[this.i];
    if (c === void 0)
      this.fail("expected a value, found end of file");
    if (c === '"')
      return this.s.startsWith('"""', this.i) ? this.multilineBasic() : this.basicString();
    if (c === "'")
      return this.s.startsWith("'''", this.i) ? this.multilineLiteral() : this.literalString();
    if (c === "[")
      return this.array(depth);
    if (c === "{")
      return this.inlineTable(depth);
    if (this.s.startsWith("true", this.i) && !BARE_KEY.test(this.s[this.i + 4] ?? ""))
      return this.i += 4, true;
    if (this.s.startsWith("false", this.i) && !BARE_KEY.test(this.s[this.i + 5] ?? ""))
      return this.i += 5, false;
    return this.scalar();
  }
  /** Numbers and date-times: read the token, then decide. */
  scalar() {
    const m = /^[0-9A-Za-z_+\-.:]+(?:[ T][0-9][0-9:.]*(?:Z|[+-][0-9:]+)?)?/.exec(this.s.slice(this.i, this.i + 80));
    if (!m)
      this.fail("expected a value");
    const tok = m[0];
    this.i += tok.length;
    if (/^\d{4}-\d{2}-\d{2}|^\d{2}:\d{2}/.test(tok))
      return tok;
    const t = tok.replace(/_/g, "");
    if (/^[+-]?(inf|nan)$/.test(t))
      return t.endsWith("inf") ? t.startsWith("-") ? -Infinity : Infinity : NaN;
    if (/^0x[0-9a-fA-F]+$/.test(t))
      return parseInt(t.slice(2), 16);
    if (/^0o[0-7]+$/.test(t))
      return parseInt(t.slice(2), 8);
    if (/^0b[01]+$/.test(t))
      return parseInt(t.slice(2), 2);
    if (/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(t))
      return Number(t);
    return this.fail(`invalid value ${JSON.stringify(tok.slice(0, 20))}`);
  }
  array(depth) {
    this.i++;
    const out = [];
    for (; ; ) {
      this.skipBlank(true);
      if (this.s[this.i] === "]")
        return this.i++, out;
      out.push(this.value(depth + 1));
      this.skipBlank(true);
      if (this.s[this.i] === ",")
        this.i++;
      else if (this.s[this.i] !== "]")
        this.fail("expected , or ] in array");
    }
  }
  inlineTable(depth) {
    this.i++;
    const t = newTable();
    this.skipBlank(true);
    if (this.s[this.i] === "}")
      return this.i++, t;
    for (; ; ) {
      this.skipBlank(true);
      const keys = this.key();
      this.skipSpace();
      if (this.s[this.i] !== "=")
        this.fail("expected = in inline table");
      this.i++;
      this.skipSpace();
      this.assign(t, keys, this.value(depth + 1));
      this.skipBlank(true);
      const c = this.s[this.i];
      this.i++;
      if (c === "}")
        return t;
      if (c !== ",")
        this.fail("expected , or } in inline table");
      this.skipBlank(true);
      if (this.s[this.i] === "}")
        return this.i++, t;
    }
  }
  basicString() {
    this.i++;
    let out = "";
    for (; ; ) {
      const c = this.s[this.i];
      if (c === void 0 || c === "\n")
        this.fail("unterminated string");
      this.i++;
      if (c === '"')
        return out;
      out += c === "\\" ? this.escape() : c;
    }
  }
  multilineBasic() {
    this.i += 3;
    if (this.s[this.i] === "\r" && this.s[this.i + 1] === "\n")
      this.i += 2;
    else if (this.s[this.i] === "\n")
      this.i++;
    let out = "";
    for (; ; ) {
      if (this.i >= this.s.length)
        this.fail("unterminated multi-line string");
      if (this.s.startsWith('"""', this.i)) {
        let n = 3;
        while (n < 5 && this.s[this.i + n] === '"')
          n++;
        out += '"'.repeat(n - 3);
        this.i += n;
        return out;
      }
      const c = this.s[this.i++];
      if (c === "\n")
        this.line++;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const rest = /^[ \t]*\r?\n/.exec(this.s.slice(this.i, this.i + 200));
      if (rest) {
        while (this.i < this.s.length && /[ \t\r\n]/.test(this.s[this.i])) {
          if (this.s[this.i] === "\n")
            this.line++;
          this.i++;
        }
      } else
        out += this.escape();
    }
  }
  escape() {
    const c = this.s[this.i++];
    switch (c) {
      case "b":
        return "\b";
      case "t":
        return "	";
      case "n":
        return "\n";
      case "f":
        return "\f";
      case "r":
        return "\r";
      case "e":
        return "\x1B";
      case '"':
        return '"';
      case "\\":
        return "\\";
      case "u":
      case "U": {
        const len = c === "u" ? 4 : 8;
        const hex = this.s.slice(this.i, this.i + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len)
          this.fail("bad unicode escape");
        this.i += len;
        const cp = parseInt(hex, 16);
        if (cp > 1114111 || cp >= 55296 && cp <= 57343)
          this.fail("bad unicode escape");
        return String.fromCodePoint(cp);
      }
      default:
        return this.fail(`bad escape \\${c ?? ""}`);
    }
  }
  literalString() {
    const end = this.s.indexOf("'", this.i + 1);
    const out = end === -1 ? "" : this.s.slice(this.i + 1, end);
    if (end === -1 || out.includes("\n"))
      this.fail("unterminated string");
    this.i = end + 1;
    return out;
  }
  multilineLiteral() {
    let start = this.i + 3;
    if (this.s[start] === "\r" && this.s[start + 1] === "\n")
      start += 2;
    else if (this.s[start] === "\n")
      start++;
    let end = this.s.indexOf("'''", start);
    if (end === -1)
      this.fail("unterminated multi-line string");
    for (let n = 0; n < 2 && this.s[end + 3] === "'"; n++)
      end++;
    const out = this.s.slice(start, end);
    this.line += out.split("\n").length - 1;
    this.i = end + 3;
    return out;
  }
  /** Spaces and tabs only. */
  skipSpace() {
    while (this.s[this.i] === " " || this.s[this.i] === "	")
      this.i++;
  }
  /** Whitespace and comments, across lines when `lines`. */
  skipBlank(lines) {
    for (; ; ) {
      const c = this.s[this.i];
      if (c === " " || c === "	" || lines && c === "\r")
        this.i++;
      else if (lines && c === "\n") {
        this.i++;
        this.line++;
      } else if (c === "#") {
        const nl = this.s.indexOf("\n", this.i);
        this.i = nl === -1 ? this.s.length : nl;
      } else
        return;
    }
  }
  endOfLine() {
    this.skipBlank(false);
    if (this.s[this.i] === "\r")
      this.i++;
    if (this.i < this.s.length && this.s[this.i] !== "\n")
      this.fail("expected end of line");
  }
  fail(msg) {
    throw new Error(`TOML line ${this.line}: ${msg}`);
  }
};

// dist/src/analyzers/lang/python-lock/toml-locks.js
var table = (v) => typeof v === "object" && v !== null && !Array.isArray(v) ? v : void 0;
var tables = (v) => Array.isArray(v) ? v.map(table).filter((x) => x !== void 0) : [];
var str2 = (v) => typeof v === "string" && v ? v : void 0;
function parsePoetryLock(text) {
  const out = [];
  for (const p of tables(parseToml(text)["package"])) {
    const name = str2(p["name"]);
    const version = str2(p["version"]);
    if (!name || !version)
      continue;
    const groups = Array.isArray(p["groups"]) ? p["groups"].filter((g) => typeof g === "string") : void 0;
    const dev = p["category"] === "dev" || groups !== void 0 && groups.length > 0 && !groups.includes("main");
    const sourceType = str2(table(p["source"])?.["type"]);
    out.push({ name, version, dev, ...sourceType && sourceType !== "legacy" ? { sourceType } : {} });
  }
  return out;
}
var depNames = (v) => tables(v).flatMap((d) => str2(d["name"]) ?? []);
function parseUvLock(text) {
  const pkgs = tables(parseToml(text)["package"]);
  const isProject = (p) => {
    const src = table(p["source"]);
    return src !== void 0 && (src["virtual"] !== void 0 || src["editable"] !== void 0);
  };
  const edges = /* @__PURE__ */ new Map();
  for (const p of pkgs) {
    const name = str2(p["name"]);
    if (!name)
      continue;
    const next = depNames(p["dependencies"]);
    for (const extra of Object.values(table(p["optional-dependencies"]) ?? {}))
      next.push(...depNames(extra));
    edges.set(name, [...edges.get(name) ?? [], ...next]);
  }
  const reach2 = (starts) => {
    const seen = /* @__PURE__ */ new Set();
    const todo = [...starts];
    while (todo.length) {
      const n = todo.pop();
      if (seen.has(n))
        continue;
      seen.add(n);
      todo.push(...edges.get(n) ?? []);
    }
    return seen;
  };
  const projects = pkgs.filter(isProject);
  const devStarts = projects.flatMap((p) => Object.values(table(p["dev-dependencies"]) ?? {}).flatMap(depNames));
  const prod = reach2(projects.flatMap((p) => edges.get(str2(p["name"]) ?? "") ?? []));
  const devOnly = devStarts.length ? reach2(devStarts) : /* @__PURE__ */ new Set();
  const out = [];
  for (const p of pkgs) {
    const name = str2(p["name"]);
    const version = str2(p["version"]);
    if (!name || !version || isProject(p))
      continue;
    const src = table(p["source"]) ?? {};
    const sourceType = ["git", "url", "path", "directory"].find((k) => src[k] !== void 0);
    out.push({ name, version, dev: devOnly.has(name) && !prod.has(name), ...sourceType ? { sourceType } : {} });
  }
  return out;
}

// dist/src/analyzers/lang/python-lock/index.js
var REQUIREMENTS = /(^|\/)([^/]*requirements[^/]*\.txt|requirements\/[^/]+\.txt)$/;
var LOCKS = /* @__PURE__ */ new Set(["poetry.lock", "Pipfile.lock", "uv.lock"]);
function wantedPath7(path) {
  return (LOCKS.has(baseName(path)) || path.endsWith(".txt") && REQUIREMENTS.test(path)) && lockfileDiscoverable(path);
}
function toPackage4(l, path) {
  const pkg2 = { type: "pypi", name: l.name, version: l.version, purl: "", source: null, licenses: [], locations: [{ path: "/" + path }] };
  if (l.dev)
    pkg2.dev = true;
  if (l.sourceType)
    pkg2.metadata = { source: l.sourceType };
  return pkg2;
}
function analyzeRequirements(file) {
  const { pins, includes } = parseRequirements(file.content.toString("utf8"));
  const seen = /* @__PURE__ */ new Set();
  const packages = [];
  for (const p of pins) {
    const key = `${pep503(p.name)}@${p.version}`;
    if (seen.has(key))
      continue;
    seen.add(key);
    packages.push(toPackage4({ ...p, dev: false }, file.path));
  }
  const dir = file.path.includes("/") ? file.path.slice(0, file.path.lastIndexOf("/") + 1) : "";
  const missed = includes.filter((inc) => !/^[a-z]+:\/\//i.test(inc) && !wantedPath7(dir + inc.replace(/^\.\//, "")));
  return { packages, ...missed.length ? { errors: missed.map((inc) => `${file.path} includes ${inc}, which is not scanned as a requirements file`) } : {} };
}
var pythonLockAnalyzer = {
  id: "lang/python-lock",
  evidence: "declared",
  version: 1,
  maxFileSize: 32 * 2 ** 20,
  required: wantedPath7,
  analyze(file) {
    const name = baseName(file.path);
    if (!LOCKS.has(name))
      return analyzeRequirements(file);
    const text = file.content.toString("utf8");
    let locked;
    try {
      locked = name === "Pipfile.lock" ? parsePipfileLock(text) : name === "uv.lock" ? parseUvLock(text) : parsePoetryLock(text);
    } catch (e) {
      return { errors: [`${file.path}: ${e.message}`] };
    }
    return { packages: locked.map((l) => toPackage4(l, file.path)) };
  },
  finalize: finalizePypi
};

// dist/src/analyzers/lang/ruby/gemspec.js
var MAX_SCAN = 1 * 2 ** 20;
var STRING = /"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|%q\{([^}\n]*)\}/g;
function strings(rhs) {
  const out = [];
  for (const m of rhs.matchAll(STRING))
    out.push(unescape(m[1] ?? m[2] ?? m[3] ?? ""));
  return out;
}
function unescape(s) {
  return s.replace(/\\u([0-9a-fA-F]{4})|\\(.)/g, (_, hex, c) => hex ? String.fromCharCode(parseInt(hex, 16)) : c);
}
function parseGemspec(text) {
  const src = text.slice(0, MAX_SCAN);
  const v = /Gem::Specification\.new\s*(?:do|\{)\s*\|\s*(\w+)\s*\|/.exec(src)?.[1] ?? "s";
  const attr = (name2) => new RegExp(`^[ \\t]*${v}\\.${name2}[ \\t]*=[ \\t]*(.*)$`, "m").exec(src)?.[1];
  const first = (name2) => {
    const rhs = attr(name2);
    return rhs === void 0 ? void 0 : strings(rhs)[0];
  };
  let name = first("name");
  let version = first("version");
  const stub = /^# stub: (\S+) (\S+) /m.exec(src);
  if (stub) {
    name ??= stub[1];
    version ??= stub[2];
  }
  const lics = attr("licenses");
  const lic = attr("license");
  const licenses2 = [.../* @__PURE__ */ new Set([...lics ? strings(lics) : [], ...lic ? strings(lic).slice(0, 1) : []])].filter(Boolean);
  const platform = first("platform");
  return { name, version, licenses: licenses2, ...platform && platform !== "ruby" ? { platform } : {} };
}

// dist/src/analyzers/lang/ruby/index.js
var SPEC = /(^|\/)specifications\/(default\/)?[^/]+\.gemspec$/;
function wantedPath8(path) {
  return path.endsWith(".gemspec") && SPEC.test(path);
}
var rubyAnalyzer = {
  id: "lang/ruby",
  evidence: "installed",
  version: 1,
  maxFileSize: 4 * 2 ** 20,
  required: wantedPath8,
  analyze(file) {
    const spec = parseGemspec(file.content.toString("utf8"));
    if (!spec.name || !spec.version)
      return { errors: [`no name/version in ${file.path}`] };
    const pkg2 = {
      type: "gem",
      name: spec.name,
      version: spec.version,
      purl: "",
      source: null,
      licenses: spec.licenses,
      locations: [{ path: "/" + file.path }]
    };
    const metadata = {};
    if (spec.platform)
      metadata["platform"] = spec.platform;
    if (/(^|\/)specifications\/default\//.test(file.path))
      metadata["defaultGem"] = "true";
    if (Object.keys(metadata).length)
      pkg2.metadata = metadata;
    return { packages: [pkg2] };
  },
  finalize: finalizeWithPurl("gem")
};

// dist/src/analyzers/lang/gemfile-lock/lockfile.js
var SOURCE_SECTIONS = /* @__PURE__ */ new Set(["GEM", "GIT", "PATH", "PLUGIN SOURCE"]);
var SPEC2 = /^ {4}([^ ()]+) \(([^-()\s]+)(?:-([^()\s]+))?\)$/;
var MAX_LINES2 = 5e5;
function parseGemfileLock(text) {
  const byKey = /* @__PURE__ */ new Map();
  let section = "";
  let inSpecs = false;
  let remote;
  let revision;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && i < MAX_LINES2; i++) {
    const line = lines[i];
    if (line === "")
      continue;
    if (!line.startsWith(" ")) {
      section = line.trim();
      inSpecs = false;
      remote = revision = void 0;
      continue;
    }
    if (!SOURCE_SECTIONS.has(section))
      continue;
    const kv = /^ {2}([a-z_]+):(?: (.*))?$/.exec(line);
    if (kv) {
      inSpecs = kv[1] === "specs";
      if (kv[1] === "remote")
        remote ??= kv[2];
      if (kv[1] === "revision")
        revision = kv[2];
      continue;
    }
    if (!inSpecs)
      continue;
    const m = SPEC2.exec(line);
    if (!m)
      continue;
    const [, name, version, platform] = m;
    const key = `${name}@${version}`;
    const gem = byKey.get(key) ?? { name, version, platforms: [], section: section === "PLUGIN SOURCE" ? "PLUGIN" : section };
    if (platform && !gem.platforms.includes(platform))
      gem.platforms.push(platform);
    if (remote && !gem.remote)
      gem.remote = remote;
    if (revision && !gem.revision)
      gem.revision = revision;
    byKey.set(key, gem);
  }
  return [...byKey.values()];
}

// dist/src/analyzers/lang/gemfile-lock/index.js
function wantedPath9(path) {
  const name = baseName(path);
  return (name === "gems.locked" || /^Gemfile(\.[^/]+)?\.lock$/.test(name)) && lockfileDiscoverable(path);
}
var gemfileLockAnalyzer = {
  id: "lang/gemfile-lock",
  evidence: "declared",
  version: 1,
  maxFileSize: 16 * 2 ** 20,
  required: wantedPath9,
  analyze(file) {
    const packages = parseGemfileLock(file.content.toString("utf8")).map((g) => {
      const metadata = {};
      if (g.section !== "GEM")
        metadata["source"] = g.section.toLowerCase();
      if (g.platforms.length)
        metadata["platforms"] = g.platforms.join(",");
      if (g.section !== "GEM" && g.remote)
        metadata["remote"] = g.remote;
      if (g.revision)
        metadata["revision"] = g.revision;
      return {
        type: "gem",
        name: g.name,
        version: g.version,
        purl: "",
        source: null,
        licenses: [],
        locations: [{ path: "/" + file.path }],
        ...Object.keys(metadata).length ? { metadata } : {}
      };
    });
    return { packages };
  },
  finalize: finalizeWithPurl("gem")
};

// dist/src/analyzers/shared/composer-package.js
function composerPackage(entry, path, dev) {
  if (typeof entry !== "object" || entry === null)
    return null;
  const e = entry;
  const name = e["name"];
  const version = e["version"];
  if (typeof name !== "string" || typeof version !== "string" || !name || !version)
    return null;
  const lic = e["license"];
  const licenses2 = (Array.isArray(lic) ? lic : [lic]).filter((l) => typeof l === "string" && l !== "");
  const pkg2 = { type: "composer", name, version, purl: "", source: null, licenses: licenses2, locations: [{ path: "/" + path }] };
  if (dev)
    pkg2.dev = true;
  const ref = e["source"]?.reference;
  if (version.startsWith("dev-") && typeof ref === "string" && ref)
    pkg2.metadata = { reference: ref };
  return pkg2;
}
var finalizeComposer = finalizeWith((p) => {
  const slash = p.name.indexOf("/");
  return slash > 0 ? purlOrEmpty("composer", p.name.slice(0, slash), p.name.slice(slash + 1), p.version) : purlOrEmpty("composer", void 0, p.name, p.version);
});

// dist/src/analyzers/lang/composer/index.js
function wantedPath10(path) {
  return path.endsWith("vendor/composer/installed.json") && /(^|\/)vendor\/composer\/installed\.json$/.test(path);
}
var composerAnalyzer = {
  id: "lang/composer",
  evidence: "installed",
  version: 1,
  maxFileSize: 64 * 2 ** 20,
  required: wantedPath10,
  analyze(file) {
    const parsed = parseJsonFile(file);
    if (!parsed.ok)
      return { errors: [parsed.error] };
    const doc = parsed.value;
    let entries;
    let devNames = /* @__PURE__ */ new Set();
    if (Array.isArray(doc))
      entries = doc;
    else if (typeof doc === "object" && doc !== null && Array.isArray(doc.packages)) {
      const d = doc;
      entries = d.packages;
      if (Array.isArray(d["dev-package-names"]))
        devNames = new Set(d["dev-package-names"].filter((n) => typeof n === "string"));
    } else
      return { errors: [`${file.path}: neither a package array nor { packages: [...] }`] };
    const packages = [];
    let skipped = 0;
    for (const e of entries) {
      const name = e?.name;
      const pkg2 = composerPackage(e, file.path, typeof name === "string" && devNames.has(name));
      if (pkg2)
        packages.push(pkg2);
      else
        skipped++;
    }
    return { packages, ...skipped ? { errors: [`${file.path}: ${skipped} entries without name/version skipped`] } : {} };
  },
  finalize: finalizeComposer
};

// dist/src/analyzers/lang/composer-lock/index.js
function wantedPath11(path) {
  return baseName(path) === "composer.lock" && lockfileDiscoverable(path);
}
var composerLockAnalyzer = {
  id: "lang/composer-lock",
  evidence: "declared",
  version: 1,
  maxFileSize: 64 * 2 ** 20,
  required: wantedPath11,
  analyze(file) {
    const parsed = parseJsonFile(file);
    if (!parsed.ok)
      return { errors: [parsed.error] };
    const doc = parsed.value;
    if (typeof doc !== "object" || doc === null || Array.isArray(doc))
      return { errors: [`${file.path}: not a JSON object`] };
    const packages = [];
    let skipped = 0;
    for (const [key, dev] of [["packages", false], ["packages-dev", true]]) {
      const list = doc[key];
      if (!Array.isArray(list))
        continue;
      for (const e of list) {
        const pkg2 = composerPackage(e, file.path, dev);
        if (pkg2)
          packages.push(pkg2);
        else
          skipped++;
      }
    }
    return { packages, ...skipped ? { errors: [`${file.path}: ${skipped} entries without name/version skipped`] } : {} };
  },
  finalize: finalizeComposer
};

// dist/src/analyzers/lang/dotnet/index.js
function wantedPath12(path) {
  return path.endsWith(".deps.json");
}
var dotnetAnalyzer = {
  id: "lang/dotnet",
  evidence: "installed",
  version: 1,
  maxFileSize: 32 * 2 ** 20,
  required: wantedPath12,
  analyze(file) {
    const parsed = parseJsonFile(file);
    if (!parsed.ok)
      return { errors: [parsed.error] };
    const doc = parsed.value;
    const libraries = doc?.libraries;
    if (typeof libraries !== "object" || libraries === null || Array.isArray(libraries)) {
      return { errors: [`${file.path}: no "libraries" object`] };
    }
    const packages = [];
    for (const [key, lib] of Object.entries(libraries)) {
      if (lib?.type !== "package")
        continue;
      const slash = key.lastIndexOf("/");
      const name = key.slice(0, slash);
      const version = key.slice(slash + 1);
      if (slash <= 0 || !version)
        continue;
      const pkg2 = { type: "nuget", name, version, purl: "", source: null, licenses: [], locations: [{ path: "/" + file.path }] };
      const sha512 = lib.sha512;
      if (typeof sha512 === "string" && sha512)
        pkg2.metadata = { sha512 };
      packages.push(pkg2);
    }
    return { packages };
  },
  finalize: finalizeNuget
};

// dist/src/analyzers/lang/nuget-lock/index.js
function wantedPath13(path) {
  return baseName(path) === "packages.lock.json" && lockfileDiscoverable(path);
}
var isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var nugetLockAnalyzer = {
  id: "lang/nuget-lock",
  evidence: "declared",
  version: 1,
  maxFileSize: 32 * 2 ** 20,
  required: wantedPath13,
  analyze(file) {
    const parsed = parseJsonFile(file);
    if (!parsed.ok)
      return { errors: [parsed.error] };
    const doc = parsed.value;
    if (!isObject(doc) || !isObject(doc["dependencies"]))
      return { errors: [`${file.path}: no "dependencies" object`] };
    const byKey = /* @__PURE__ */ new Map();
    for (const [framework, deps] of Object.entries(doc["dependencies"])) {
      if (!isObject(deps))
        continue;
      for (const [name, dep] of Object.entries(deps)) {
        if (!isObject(dep) || dep["type"] === "Project")
          continue;
        const version = dep["resolved"];
        if (typeof version !== "string" || !version)
          continue;
        const key = `${name.toLowerCase()}@${version}`;
        let entry = byKey.get(key);
        if (!entry) {
          const pkg2 = { type: "nuget", name, version, purl: "", source: null, licenses: [], locations: [{ path: "/" + file.path }] };
          byKey.set(key, entry = { pkg: pkg2, frameworks: [] });
        }
        if (!entry.frameworks.includes(framework))
          entry.frameworks.push(framework);
      }
    }
    const packages = [...byKey.values()].map(({ pkg: pkg2, frameworks }) => ({ ...pkg2, metadata: { frameworks: frameworks.join(",") } }));
    return { packages };
  },
  finalize: finalizeNuget
};

// dist/src/analyzers/shared/elf.js
import { open } from "node:fs/promises";
var MAX_READ = 64 * 2 ** 20;
function bufferSource(buf) {
  return {
    size: buf.length,
    read: async (offset, length) => checked(offset, length) && buf.subarray(offset, Math.min(buf.length, offset + length)),
    close: () => Promise.resolve()
  };
}
function checked(offset, length) {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0)
    throw new Error(`bad read at ${offset} (+${length})`);
  if (length > MAX_READ)
    throw new Error(`refusing to read ${length} bytes at once`);
  return true;
}
async function fileSource(path) {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    return {
      size,
      async read(offset, length) {
        checked(offset, length);
        const n = Math.max(0, Math.min(length, size - offset));
        const buf = Buffer.alloc(n);
        let got = 0;
        while (got < n) {
          const { bytesRead } = await fh.read(buf, got, n - got, offset + got);
          if (bytesRead === 0)
            break;
          got += bytesRead;
        }
        return buf.subarray(0, got);
      },
      close: () => fh.close()
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}
function openSource(file) {
  return file.localPath ? fileSource(file.localPath) : Promise.resolve(bufferSource(file.content));
}
var PT_LOAD = 1;
var PF_W = 2;
var SHT_NOBITS = 8;
var MAX_TABLE = 4 * 2 ** 20;
function isElf(head) {
  return head.length >= 4 && head[0] === 127 && head[1] === 69 && head[2] === 76 && head[3] === 70;
}
async function readElf(src) {
  const h = await src.read(0, 64);
  if (!isElf(h))
    return null;
  const cls = h[4];
  const data = h[5];
  if (cls !== 1 && cls !== 2 || data !== 1 && data !== 2)
    throw new Error("ELF header: unknown class or byte order");
  const is64 = cls === 2;
  if (h.length < (is64 ? 64 : 52))
    throw new Error("ELF header truncated");
  const r = new Reader2(h, data === 1, is64);
  const phoff = r.word(is64 ? 32 : 28);
  const shoff = r.word(is64 ? 40 : 32);
  const base = is64 ? 54 : 42;
  const phentsize = r.u16(base);
  const phnum = r.u16(base + 2);
  const shentsize = r.u16(base + 4);
  const shnum = r.u16(base + 6);
  const shstrndx = r.u16(base + 8);
  const segments = [];
  if (phoff > 0 && phnum > 0 && phentsize >= (is64 ? 56 : 32) && phnum * phentsize <= MAX_TABLE) {
    const t = new Reader2(await src.read(phoff, phnum * phentsize), data === 1, is64);
    for (let i = 0; i < phnum && (i + 1) * phentsize <= t.buf.length; i++) {
      const o = i * phentsize;
      segments.push(is64 ? { type: t.u32(o), flags: t.u32(o + 4), offset: t.word(o + 8), vaddr: t.word(o + 16), filesz: t.word(o + 32) } : { type: t.u32(o), offset: t.u32(o + 4), vaddr: t.u32(o + 8), filesz: t.u32(o + 16), flags: t.u32(o + 24) });
    }
  }
  const sections = [];
  if (shoff > 0 && shnum > 0 && shentsize >= (is64 ? 64 : 40) && shnum * shentsize <= MAX_TABLE) {
    const t = new Reader2(await src.read(shoff, shnum * shentsize), data === 1, is64);
    const raw = [];
    for (let i = 0; i < shnum && (i + 1) * shentsize <= t.buf.length; i++) {
      const o = i * shentsize;
      raw.push(is64 ? { nameOff: t.u32(o), name: "", type: t.u32(o + 4), flags: t.word(o + 8), addr: t.word(o + 16), offset: t.word(o + 24), size: t.word(o + 32) } : { nameOff: t.u32(o), name: "", type: t.u32(o + 4), flags: t.u32(o + 8), addr: t.u32(o + 12), offset: t.u32(o + 16), size: t.u32(o + 20) });
    }
    const strtab = raw[shstrndx];
    if (strtab && strtab.type !== SHT_NOBITS && strtab.size <= MAX_TABLE) {
      const names = await src.read(strtab.offset, strtab.size);
      for (const s of raw) {
        const end = names.indexOf(0, s.nameOff);
        s.name = s.nameOff < names.length ? names.toString("latin1", s.nameOff, end === -1 ? names.length : end) : "";
        sections.push({ name: s.name, type: s.type, flags: s.flags, addr: s.addr, offset: s.offset, size: s.size });
      }
    }
  }
  return { is64, littleEndian: data === 1, sections, segments };
}
function findSection(elf, name) {
  return elf.sections.find((s) => s.name === name && s.type !== SHT_NOBITS);
}
function addressToOffset(elf, addr) {
  for (const p of elf.segments) {
    if (p.type === PT_LOAD && addr >= p.vaddr && addr < p.vaddr + p.filesz)
      return { offset: p.offset + (addr - p.vaddr), available: p.vaddr + p.filesz - addr };
  }
  return null;
}
async function readSection(src, s, max) {
  if (s.size > max)
    throw new Error(`section ${s.name} too large (${s.size} bytes)`);
  const buf = await src.read(s.offset, s.size);
  if (buf.length < s.size)
    throw new Error(`section ${s.name} truncated`);
  return buf;
}
var Reader2 = class {
  buf;
  little;
  is64;
  constructor(buf, little, is64) {
    this.buf = buf;
    this.little = little;
    this.is64 = is64;
  }
  u16(o) {
    this.need(o, 2);
    return this.little ? this.buf.readUInt16LE(o) : this.buf.readUInt16BE(o);
  }
  u32(o) {
    this.need(o, 4);
    return this.little ? this.buf.readUInt32LE(o) : this.buf.readUInt32BE(o);
  }
  u64(o) {
    this.need(o, 8);
    const v = this.little ? this.buf.readBigUInt64LE(o) : this.buf.readBigUInt64BE(o);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }
  /** A pointer-sized word of the ELF class. */
  word(o) {
    return this.is64 ? this.u64(o) : this.u32(o);
  }
  need(o, n) {
    if (o < 0 || o + n > this.buf.length)
      throw new Error("ELF data truncated");
  }
};

// dist/src/analyzers/shared/golang.js
function golangPurl(path, version) {
  const slash = path.lastIndexOf("/");
  const v = version && version !== "(devel)" ? version : void 0;
  return purlOrEmpty("golang", slash > 0 ? path.slice(0, slash) : void 0, slash > 0 ? path.slice(slash + 1) : path, v);
}
var finalizeGolang = finalizeWith((p) => golangPurl(p.name, p.version));

// dist/src/analyzers/lang/gobinary/buildinfo.js
var MAGIC = Buffer.from("\xFF Go buildinf:", "latin1");
var HEADER = 32;
var FLAG_BIG_ENDIAN = 1;
var FLAG_INLINE = 2;
var SEARCH = 64 * 1024;
var MAX_STRING = 8 * 2 ** 20;
var FOREIGN_SCAN = 32 * 2 ** 20;
async function readBuildInfo(src) {
  const head = await src.read(0, 4);
  const elf = await readElf(src).catch(() => null);
  if (elf)
    return fromElf(src, elf);
  if (isMachO(head) || isPe(head))
    return fromScan(src);
  return null;
}
function isMachO(h) {
  if (h.length < 4)
    return false;
  const m = h.readUInt32BE(0);
  return m === 4277009102 || m === 4277009103 || m === 3472551422 || m === 3489328638;
}
function isPe(h) {
  return h.length >= 2 && h[0] === 77 && h[1] === 90;
}
async function fromElf(src, elf) {
  const section = findSection(elf, ".go.buildinfo");
  let start;
  if (section)
    start = section.offset;
  else {
    const data = elf.segments.find((p) => p.type === PT_LOAD && p.flags & PF_W);
    if (data)
      start = data.offset;
  }
  if (start === void 0)
    return null;
  const found = await findMagic(src, start, SEARCH);
  if (found === null)
    return null;
  const at = (addr, n) => {
    const loc = addressToOffset(elf, addr);
    if (!loc || n > loc.available)
      throw new Error(`build info points outside the file (0x${addr.toString(16)})`);
    return src.read(loc.offset, n);
  };
  return decode(src, found, at);
}
async function fromScan(src) {
  const found = await findMagic(src, 0, Math.min(src.size, FOREIGN_SCAN));
  if (found === null)
    return null;
  return decode(src, found, () => {
    throw new Error("pre-1.18 build info not supported in Mach-O/PE binaries");
  });
}
async function findMagic(src, start, len) {
  const CHUNK2 = 1024 * 1024;
  for (let off = start; off < start + len; off += CHUNK2) {
    const buf = await src.read(off, Math.min(CHUNK2, start + len - off) + MAGIC.length);
    if (buf.length < MAGIC.length)
      return null;
    for (let i = buf.indexOf(MAGIC); i !== -1 && i < CHUNK2; i = buf.indexOf(MAGIC, i + 1)) {
      if ((off + i - start) % 16 === 0)
        return off + i;
    }
  }
  return null;
}
async function decode(src, off, at) {
  const h = await src.read(off, HEADER);
  if (h.length < HEADER)
    throw new Error("build info header truncated");
  const ptrSize = h[14];
  const flags = h[15];
  if (flags & FLAG_INLINE) {
    let pos = off + HEADER;
    const version2 = await inlineString(src, pos);
    pos = version2.next;
    const mod2 = await inlineString(src, pos);
    return { goVersion: version2.text, modinfo: stripSentinels(mod2.bytes) };
  }
  if (ptrSize !== 4 && ptrSize !== 8)
    throw new Error(`build info: bad pointer size ${ptrSize}`);
  const r = new Reader2(h, (flags & FLAG_BIG_ENDIAN) === 0, ptrSize === 8);
  const version = await pointerString(r.word(16), r, at);
  const mod = await pointerString(r.word(16 + ptrSize), r, at);
  return { goVersion: version.toString("utf8"), modinfo: stripSentinels(mod) };
}
async function inlineString(src, pos) {
  const lenBuf = await src.read(pos, 10);
  let n = 0;
  let shift = 1;
  let i = 0;
  for (; ; i++) {
    if (i >= lenBuf.length || i >= 10)
      throw new Error("build info: bad string length");
    const b = lenBuf[i];
    n += (b & 127) * shift;
    shift *= 128;
    if (b < 128)
      break;
  }
  if (n > MAX_STRING)
    throw new Error(`build info: string too long (${n} bytes)`);
  const bytes = await src.read(pos + i + 1, n);
  if (bytes.length < n)
    throw new Error("build info: string truncated");
  return { text: bytes.toString("utf8"), bytes, next: pos + i + 1 + n };
}
async function pointerString(addr, r, at) {
  const w = r.is64 ? 8 : 4;
  const hdr = new Reader2(await at(addr, 2 * w), r.little, r.is64);
  const data = hdr.word(0);
  const len = hdr.word(w);
  if (len > MAX_STRING)
    throw new Error(`build info: string too long (${len} bytes)`);
  if (len === 0)
    return Buffer.alloc(0);
  const bytes = await at(data, len);
  if (bytes.length < len)
    throw new Error("build info: string truncated");
  return bytes;
}
function stripSentinels(b) {
  if (b.length >= 33 && b[b.length - 17] === 10)
    return b.toString("utf8", 16, b.length - 16);
  return "";
}

// dist/src/analyzers/lang/gobinary/modinfo.js
var MAX_LINES3 = 1e5;
function parseModInfo(text) {
  const info = { deps: [], settings: [] };
  let last;
  const lines = text.split("\n");
  for (const line of lines.slice(0, MAX_LINES3)) {
    const f = line.split("	");
    const mod = () => f[1] ? { path: f[1], version: f[2] ?? "", ...f[3] ? { sum: f[3] } : {} } : void 0;
    switch (f[0]) {
      case "path":
        info.path = f[1];
        last = void 0;
        break;
      case "mod":
        last = info.main = mod();
        break;
      case "dep":
        last = mod();
        if (last)
          info.deps.push(last);
        break;
      case "=>":
        if (last)
          last.replace = mod();
        last = void 0;
        break;
      case "build": {
        const kv = line.slice("build	".length);
        const eq = keyEnd(kv);
        if (eq > 0)
          info.settings.push([unquote3(kv.slice(0, eq)), unquote3(kv.slice(eq + 1))]);
        break;
      }
    }
  }
  return info;
}
function keyEnd(kv) {
  if (!kv.startsWith('"'))
    return kv.indexOf("=");
  for (let i = 1; i < kv.length; i++) {
    if (kv[i] === "\\")
      i++;
    else if (kv[i] === '"')
      return kv[i + 1] === "=" ? i + 1 : -1;
  }
  return -1;
}
function unquote3(s) {
  if (s.length < 2 || !s.startsWith('"') || !s.endsWith('"'))
    return s;
  try {
    const v = JSON.parse(s);
    return typeof v === "string" ? v : s;
  } catch {
    return s;
  }
}
function toolchainSemver(goVersion) {
  const v = goVersion.trim().split(/\s/)[0] ?? "";
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$/.exec(v);
  if (!m)
    return v;
  const [, major, minor, patch, pre, preN] = m;
  return `v${major}.${minor}.${patch ?? "0"}${pre ? `-${pre}.${preN}` : ""}`;
}

// dist/src/analyzers/lang/gobinary/index.js
var MIN_SIZE = 1024;
var MAX_SIZE = 512 * 2 ** 20;
var NOT_BINARY = /\.(sh|bash|py|pl|rb|js|mjs|cjs|php|lua|txt|md|json|ya?ml|conf|cfg|h|c|go|html?|css)$/i;
var MAX_SETTINGS = 40;
function wanted(path, info) {
  if (!info || !(info.mode & 73))
    return false;
  if (info.size < MIN_SIZE || info.size > MAX_SIZE)
    return false;
  return !NOT_BINARY.test(path);
}
var GO_MARKERS = [MAGIC];
var gobinaryAnalyzer = {
  id: "lang/gobinary",
  evidence: "installed",
  version: 1,
  input: "file",
  maxFileSize: MAX_SIZE,
  required: wanted,
  // Every build info blob starts with the magic; a binary without it has nothing to report.
  markers: () => GO_MARKERS,
  async analyze(file) {
    const src = await openSource(file);
    try {
      let raw;
      try {
        raw = await readBuildInfo(src);
      } catch (e) {
        return { errors: [`${file.path}: Go build info: ${e.message}`] };
      }
      if (!raw)
        return null;
      return { packages: packagesOf(raw.goVersion, raw.modinfo, "/" + file.path) };
    } finally {
      await src.close();
    }
  },
  finalize: finalizeGolang
};
function packagesOf(goVersion, modinfo, location) {
  const info = parseModInfo(modinfo);
  const pkg2 = (name, version, metadata) => ({
    type: "golang",
    name,
    version,
    purl: "",
    source: null,
    licenses: [],
    locations: [{ path: location }],
    ...Object.keys(metadata).length ? { metadata } : {}
  });
  const out = [];
  if (info.main) {
    const meta = { mainModule: "true", goVersion };
    if (info.main.version === "(devel)")
      meta.devel = "true";
    for (const [k, v] of info.settings.slice(0, MAX_SETTINGS))
      meta[`build:${k}`] = v.slice(0, 256);
    const m = resolve(info.main);
    out.push(pkg2(m.name, m.version, { ...meta, ...m.meta }));
  }
  for (const d of info.deps) {
    const m = resolve(d);
    out.push(pkg2(m.name, m.version, m.meta));
  }
  if (goVersion)
    out.push(pkg2("stdlib", toolchainSemver(goVersion), { goVersion }));
  return out;
}
function resolve(m) {
  const r = m.replace;
  if (!r)
    return { name: m.path, version: m.version, meta: {} };
  if (isLocalPath(r.path))
    return { name: m.path, version: r.version || "(devel)", meta: { replacedBy: r.path, requiredVersion: m.version } };
  return { name: r.path, version: r.version, meta: { replaces: `${m.path}@${m.version}` } };
}
function isLocalPath(p) {
  return p.startsWith(".") || p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p);
}

// dist/src/analyzers/lang/gomod/parse.js
var MAX_LINES4 = 2e5;
function tokenize(line) {
  const tokens = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === " " || c === "	" || c === "\r") {
      i++;
    } else if (line.startsWith("//", i)) {
      return { tokens, comment: line.slice(i + 2).trim() };
    } else if (c === '"' || c === "`") {
      let j = i + 1;
      while (j < line.length && line[j] !== c)
        j += c === '"' && line[j] === "\\" ? 2 : 1;
      const raw = line.slice(i, j + 1);
      let text = raw.slice(1, -1);
      if (c === '"') {
        try {
          text = JSON.parse(raw);
        } catch {
        }
      }
      tokens.push(text);
      i = j + 1;
    } else if (line.startsWith("=>", i) || c === "(" || c === ")") {
      const t = c === "=" ? "=>" : c;
      tokens.push(t);
      i += t.length;
    } else {
      let j = i;
      while (j < line.length && !' 	\r"`()'.includes(line[j]) && !line.startsWith("//", j) && !line.startsWith("=>", j))
        j++;
      tokens.push(line.slice(i, j));
      i = j;
    }
  }
  return { tokens, comment: "" };
}
function parseGoMod(text) {
  const mod = { requires: [], replaces: [], errors: [] };
  let block;
  const lines = text.split("\n");
  if (lines.length > MAX_LINES4)
    mod.errors.push(`more than ${MAX_LINES4} lines, rest ignored`);
  lines.slice(0, MAX_LINES4).forEach((line, n) => {
    const { tokens: all, comment } = tokenize(line);
    let tokens = all;
    if (tokens.length === 0)
      return;
    if (block !== void 0) {
      if (tokens[0] === ")") {
        block = void 0;
        return;
      }
      directive(mod, block, tokens, comment, n + 1);
      return;
    }
    const verb = tokens[0];
    tokens = tokens.slice(1);
    if (tokens[0] === "(" && tokens[1] === ")")
      return;
    if (tokens[0] === "(" && tokens.length === 1) {
      block = verb;
      return;
    }
    directive(mod, verb, tokens, comment, n + 1);
  });
  return mod;
}
var VERBS = /* @__PURE__ */ new Set(["module", "go", "toolchain", "require", "replace", "exclude", "retract", "tool", "godebug", "ignore"]);
function directive(mod, verb, args, comment, line) {
  const bad = () => void mod.errors.push(`line ${line}: malformed ${verb}`);
  switch (verb) {
    case "module":
      mod.module = args[0];
      return;
    case "go":
      mod.go = args[0];
      return;
    case "require":
      if (args.length !== 2)
        return bad();
      mod.requires.push({ path: args[0], version: args[1], indirect: /(^|;)\s*indirect\s*(;|$)/.test(comment) });
      return;
    case "replace": {
      const arrow = args.indexOf("=>");
      const left = args.slice(0, arrow);
      const right = args.slice(arrow + 1);
      if (arrow < 1 || left.length > 2 || right.length < 1 || right.length > 2)
        return bad();
      mod.replaces.push({ oldPath: left[0], oldVersion: left[1] ?? "", newPath: right[0], newVersion: right[1] ?? "" });
      return;
    }
    default:
      if (!VERBS.has(verb) && mod.errors.length < 20)
        mod.errors.push(`line ${line}: unknown directive ${JSON.stringify(verb.slice(0, 40))}`);
  }
}
function replacementFor(req, replaces) {
  let wide;
  for (const r of replaces) {
    if (r.oldPath !== req.path)
      continue;
    if (r.oldVersion === req.version)
      return r;
    if (!r.oldVersion)
      wide = r;
  }
  return wide;
}
function isLocalPath2(p) {
  return p.startsWith("./") || p.startsWith("../") || p === "." || p === ".." || p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p);
}
function parseGoSum(text) {
  const best = /* @__PURE__ */ new Map();
  let bad = 0;
  let lines = 0;
  for (const line of text.split("\n").slice(0, MAX_LINES4)) {
    const f = line.trim().split(/\s+/);
    if (f.length === 1 && f[0] === "")
      continue;
    lines++;
    if (f.length !== 3 || !f[1].startsWith("v")) {
      bad++;
      continue;
    }
    const [path, version] = f;
    if (version.endsWith("/go.mod"))
      continue;
    const prev = best.get(path);
    if (prev === void 0 || compareSemver(version, prev) > 0)
      best.set(path, version);
  }
  const errors = bad ? [`${bad} of ${lines} lines are not go.sum entries`] : [];
  return { modules: [...best].map(([path, version]) => ({ path, version })), errors };
}
function compareSemver(a, b) {
  const parse = (v) => {
    const core = v.replace(/^v/, "").split("+")[0];
    const dash = core.indexOf("-");
    const main = dash === -1 ? core : core.slice(0, dash);
    return { nums: main.split(".").map((x2) => Number(x2) || 0), pre: dash === -1 ? [] : core.slice(dash + 1).split(".") };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++)
    if ((x.nums[i] ?? 0) !== (y.nums[i] ?? 0))
      return (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
  if (!x.pre.length || !y.pre.length)
    return y.pre.length - x.pre.length;
  for (let i = 0; i < Math.min(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === q)
      continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn)
      return Number(p) - Number(q);
    if (pn !== qn)
      return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return x.pre.length - y.pre.length;
}

// dist/src/analyzers/lang/gomod/index.js
function wanted2(path) {
  const b = baseName(path);
  return (b === "go.mod" || b === "go.sum") && lockfileDiscoverable(path);
}
var gomodAnalyzer = {
  id: "lang/gomod",
  evidence: "declared",
  version: 1,
  maxFileSize: 16 * 2 ** 20,
  required: wanted2,
  analyze(file) {
    const text = file.content.toString("utf8");
    const location = "/" + file.path;
    return baseName(file.path) === "go.sum" ? fromGoSum(text, location) : fromGoMod(text, location);
  },
  finalize(packages) {
    const modDirs = new Set(packages.filter((p) => !isFromSum(p)).map((p) => dirOf(p.locations[0]?.path ?? "")));
    return finalizeGolang(packages.filter((p) => !isFromSum(p) || !modDirs.has(dirOf(p.locations[0]?.path ?? ""))));
  }
};
var isFromSum = (p) => (p.locations[0]?.path ?? "").endsWith("/go.sum");
var dirOf = (path) => path.slice(0, path.lastIndexOf("/") + 1);
function pkg(name, version, location, metadata) {
  return { type: "golang", name, version, purl: "", source: null, licenses: [], locations: [{ path: location }], ...Object.keys(metadata).length ? { metadata } : {} };
}
function fromGoMod(text, location) {
  const mod = parseGoMod(text);
  const packages = mod.requires.map((req) => {
    const meta = req.indirect ? { indirect: "true" } : {};
    const r = replacementFor(req, mod.replaces);
    if (!r)
      return pkg(req.path, req.version, location, meta);
    if (isLocalPath2(r.newPath))
      return pkg(req.path, r.newVersion || "(devel)", location, { ...meta, replacedBy: r.newPath, requiredVersion: req.version });
    return pkg(r.newPath, r.newVersion || req.version, location, { ...meta, replaces: `${req.path}@${req.version}` });
  });
  return { packages, ...mod.errors.length ? { errors: mod.errors.map((e) => `${location.slice(1)}: ${e}`) } : {} };
}
function fromGoSum(text, location) {
  const sum = parseGoSum(text);
  const packages = sum.modules.map((m) => pkg(m.path, m.version, location, {}));
  return { packages, ...sum.errors.length ? { errors: sum.errors.map((e) => `${location.slice(1)}: ${e}`) } : {} };
}

// dist/src/analyzers/lang/rust/index.js
import { inflateSync } from "node:zlib";
var MIN_SIZE2 = 1024;
var MAX_SIZE2 = 512 * 2 ** 20;
var NOT_BINARY2 = /\.(sh|bash|py|pl|rb|js|mjs|cjs|php|lua|txt|md|json|ya?ml|conf|cfg|h|c|rs|html?|css)$/i;
var MAX_COMPRESSED = 8 * 2 ** 20;
var MAX_JSON = 32 * 2 ** 20;
var MAX_PACKAGES = 1e5;
function wanted3(path, info) {
  if (!info || !(info.mode & 73))
    return false;
  if (info.size < MIN_SIZE2 || info.size > MAX_SIZE2)
    return false;
  return !NOT_BINARY2.test(path);
}
var RUST_MARKERS = [Buffer.from(".dep-v0", "latin1")];
var rustAnalyzer = {
  id: "lang/rust",
  evidence: "installed",
  version: 1,
  input: "file",
  maxFileSize: MAX_SIZE2,
  required: wanted3,
  markers: () => RUST_MARKERS,
  async analyze(file) {
    const src = await openSource(file);
    try {
      const elf = await readElf(src).catch(() => null);
      const section = elf && findSection(elf, ".dep-v0");
      if (!section)
        return null;
      const fail = (why) => ({ errors: [`${file.path}: cargo-auditable data: ${why}`] });
      let json;
      try {
        json = inflateSync(await readSection(src, section, MAX_COMPRESSED), { maxOutputLength: MAX_JSON });
      } catch (e) {
        return fail(`cannot decompress .dep-v0 (${e.message})`);
      }
      try {
        return parseAuditData(json.toString("utf8"), "/" + file.path);
      } catch (e) {
        return fail(e.message);
      }
    } finally {
      await src.close();
    }
  },
  finalize: finalizeWithPurl("cargo")
};
function parseAuditData(text, location) {
  const doc = JSON.parse(text);
  const list = doc?.packages;
  if (!Array.isArray(list))
    throw new Error("no packages list");
  const packages = [];
  let skipped = 0;
  for (const raw of list.slice(0, MAX_PACKAGES)) {
    const p = raw;
    if (typeof p?.name !== "string" || typeof p.version !== "string" || !p.name || !p.version) {
      skipped++;
      continue;
    }
    const metadata = {};
    if (typeof p.source === "string")
      metadata.source = p.source;
    if (p.kind === "build")
      metadata.kind = "build";
    if (p.root === true)
      metadata.root = "true";
    packages.push({ type: "cargo", name: p.name, version: p.version, purl: "", source: null, licenses: [], locations: [{ path: location }], ...Object.keys(metadata).length ? { metadata } : {} });
  }
  const errors = skipped ? [`${location}: ${skipped} package entries without name/version skipped`] : [];
  if (list.length > MAX_PACKAGES)
    errors.push(`${location}: more than ${MAX_PACKAGES} packages, rest ignored`);
  return { packages, ...errors.length ? { errors } : {} };
}

// dist/src/analyzers/lang/cargo-lock/toml.js
var MAX_ARRAY = 1e5;
var TABLE_START = /^\s*\[\[?\s*[A-Za-z"]/;
function readPackages2(text) {
  const packages = [];
  const errors = [];
  const err = (line, msg) => {
    if (errors.length < 20)
      errors.push(`line ${line}: ${msg}`);
  };
  const lines = text.split("\n");
  let current;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("#"))
      continue;
    if (line.startsWith("[")) {
      const header = /^(\[\[?)\s*([A-Za-z0-9_.\-" ]+?)\s*(\]\]?)\s*(#.*)?$/.exec(line);
      if (!header || header[1].length !== header[3].length) {
        err(i + 1, "bad table header");
        current = void 0;
        continue;
      }
      current = header[1] === "[[" && header[2] === "package" ? {} : void 0;
      if (current)
        packages.push(current);
      continue;
    }
    const eq = /^([A-Za-z0-9_-]+|"[^"]*")\s*=\s*/.exec(line);
    if (!eq) {
      err(i + 1, "not a TOML key = value line");
      continue;
    }
    const start = i + 1;
    const more = () => i + 1 < lines.length && !TABLE_START.test(lines[i + 1]) ? lines[++i] : void 0;
    const p = new ValueParser(line.slice(eq[0].length), more);
    try {
      const value = p.value();
      p.end();
      if (current)
        current[eq[1].replace(/^"|"$/g, "")] = value;
    } catch (e) {
      err(start, e.message);
    }
  }
  return { packages, errors };
}
var ValueParser = class {
  text;
  more;
  pos = 0;
  constructor(text, more) {
    this.text = text;
    this.more = more;
  }
  skip() {
    for (; ; ) {
      while (this.pos < this.text.length && /\s/.test(this.text[this.pos]))
        this.pos++;
      if (this.text[this.pos] === "#")
        this.pos = this.text.length;
      if (this.pos < this.text.length)
        return;
      const next = this.more();
      if (next === void 0)
        return;
      this.text = next;
      this.pos = 0;
    }
  }
  value() {
    this.skip();
    const c = this.text[this.pos];
    if (c === '"')
      return this.basic();
    if (c === "'")
      return this.literal();
    if (c === "[")
      return this.array();
    const m = /^(true|false|[+-]?\d[\d_]*(\.\d+)?)(?=\s|,|]|#|$)/.exec(this.text.slice(this.pos));
    if (!m)
      throw new Error(`unsupported value ${JSON.stringify(this.text.slice(this.pos, this.pos + 20))}`);
    this.pos += m[0].length;
    return m[1] === "true" ? true : m[1] === "false" ? false : Number(m[1].replaceAll("_", ""));
  }
  /** Only whitespace or a comment may follow a value on its last line. */
  end() {
    const rest = this.text.slice(this.pos).trim();
    if (rest && !rest.startsWith("#"))
      throw new Error(`unexpected ${JSON.stringify(rest.slice(0, 20))} after value`);
  }
  basic() {
    let out = "";
    for (let i = this.pos + 1; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === '"') {
        this.pos = i + 1;
        return out;
      }
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.text[++i];
      const simple = { b: "\b", t: "	", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\" };
      if (e !== void 0 && simple[e] !== void 0)
        out += simple[e];
      else if (e === "u" || e === "U") {
        const n = e === "u" ? 4 : 8;
        const hex = this.text.slice(i + 1, i + 1 + n);
        const cp = /^[0-9a-fA-F]+$/.test(hex) && hex.length === n ? parseInt(hex, 16) : NaN;
        if (!(cp <= 1114111))
          throw new Error("bad unicode escape");
        out += String.fromCodePoint(cp);
        i += n;
      } else
        throw new Error("bad escape in string");
    }
    throw new Error("unterminated string");
  }
  literal() {
    const end = this.text.indexOf("'", this.pos + 1);
    if (end === -1)
      throw new Error("unterminated string");
    const s = this.text.slice(this.pos + 1, end);
    this.pos = end + 1;
    return s;
  }
  array() {
    this.pos++;
    const out = [];
    for (; ; ) {
      this.skip();
      if (this.pos >= this.text.length)
        throw new Error("unterminated array");
      if (this.text[this.pos] === "]") {
        this.pos++;
        return out;
      }
      if (this.text[this.pos] === "[")
        throw new Error("nested arrays are not supported");
      if (out.length >= MAX_ARRAY)
        throw new Error("array too long");
      out.push(this.value());
      this.skip();
      if (this.text[this.pos] === ",")
        this.pos++;
      else if (this.text[this.pos] !== "]")
        throw new Error("expected , or ] in array");
    }
  }
};

// dist/src/analyzers/lang/cargo-lock/index.js
var CRATES_IO = "registry+https://github.com/rust-lang/crates.io-index";
function wanted4(path) {
  return baseName(path) === "Cargo.lock" && lockfileDiscoverable(path);
}
var cargoLockAnalyzer = {
  id: "lang/cargo-lock",
  evidence: "declared",
  version: 1,
  maxFileSize: 32 * 2 ** 20,
  required: wanted4,
  analyze(file) {
    const { packages: tables2, errors } = readPackages2(file.content.toString("utf8"));
    const location = "/" + file.path;
    const packages = [];
    let unnamed = 0;
    for (const t of tables2) {
      const { name, version, source } = t;
      if (typeof name !== "string" || typeof version !== "string" || !name || !version) {
        unnamed++;
        continue;
      }
      if (typeof source !== "string")
        continue;
      const metadata = source === CRATES_IO ? void 0 : { source };
      packages.push({ type: "cargo", name, version, purl: "", source: null, licenses: [], locations: [{ path: location }], ...metadata ? { metadata } : {} });
    }
    if (unnamed)
      errors.push(`${unnamed} [[package]] entries without name/version`);
    return { packages, ...errors.length ? { errors: errors.map((e) => `${file.path}: ${e}`) } : {} };
  },
  finalize: finalizeWithPurl("cargo")
};

// dist/src/analyzers/lang/runtime/index.js
var NODE_PATH = /(^|\/)bin\/(node|nodejs)$/;
var PATCHLEVEL = /(^|\/)include\/python\d+\.\d+[a-z]*\/patchlevel\.h$/;
var NODE_MIN = 1024 * 1024;
var MAX_SIZE3 = 512 * 2 ** 20;
var MAX_HEADER = 256 * 1024;
var CHUNK = 4 * 2 ** 20;
var NODE_MARKERS = [Buffer.from("node.js/v"), Buffer.from("/download/release/v")];
var VERSION2 = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/;
function wanted5(path, info) {
  if (path.endsWith("/patchlevel.h"))
    return PATCHLEVEL.test(path);
  if (!path.endsWith("/node") && !path.endsWith("/nodejs"))
    return false;
  return NODE_PATH.test(path) && !!info && (info.mode & 73) !== 0 && info.size >= NODE_MIN && info.size <= MAX_SIZE3;
}
var runtimeAnalyzer = {
  id: "lang/runtime",
  evidence: "installed",
  version: 1,
  input: "file",
  maxFileSize: MAX_SIZE3,
  required: wanted5,
  // node is found by one of its strings; patchlevel.h is small text, read whole.
  markers: (path) => path.endsWith("/patchlevel.h") ? void 0 : NODE_MARKERS,
  async analyze(file) {
    const src = await openSource(file);
    try {
      const found = PATCHLEVEL.test(file.path) ? await pythonVersion(src) : await nodeVersion(src);
      if (!found)
        return null;
      const pkg2 = {
        type: "generic",
        name: found.name,
        version: found.version,
        purl: "",
        source: null,
        licenses: [],
        locations: [{ path: "/" + file.path }],
        metadata: { detectedBy: found.signal }
      };
      return { packages: [pkg2] };
    } finally {
      await src.close();
    }
  },
  finalize: finalizeWithPurl("generic")
};
async function pythonVersion(src) {
  const text = (await src.read(0, Math.min(src.size, MAX_HEADER))).toString("latin1");
  const m = /^\s*#\s*define\s+PY_VERSION\s+"([0-9][0-9A-Za-z.+]*)"/m.exec(text);
  return m ? { name: "python", version: m[1], signal: "patchlevel.h PY_VERSION" } : null;
}
async function nodeVersion(src) {
  if (!isElf(await src.read(0, 4)))
    return null;
  const reach2 = 64;
  for (let off = 0; off < src.size; off += CHUNK) {
    const buf = await src.read(off, CHUNK + reach2);
    for (const marker of NODE_MARKERS) {
      for (let i = buf.indexOf(marker); i !== -1 && i < CHUNK; i = buf.indexOf(marker, i + 1)) {
        const m = VERSION2.exec(buf.toString("latin1", i + marker.length - 1, i + reach2));
        if (m)
          return { name: "node", version: m[1], signal: marker.toString().startsWith("node.js") ? "inspector version string" : "release headers URL" };
      }
    }
  }
  return null;
}

// dist/src/analyzers/shared/maven.js
function mavenPurl(name, version) {
  const i = name.indexOf(":");
  if (i <= 0)
    return "";
  return purlOrEmpty("maven", name.slice(0, i), name.slice(i + 1), version || void 0);
}
var finalizeMaven = finalizeWith((p) => mavenPurl(p.name, p.version));

// dist/src/analyzers/lang/java/archive.js
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// dist/src/analyzers/lang/java/identity.js
var ARCHIVE_EXT = /\.(jar|war|ear|jpi|hpi)$/i;
var isJavaArchiveName = (name) => ARCHIVE_EXT.test(name);
var QUALIFIER = /^(rc|cr|m|a|b|alpha|beta|milestone|ga|final|release|snapshot|sp|jre|android|patch|pre|incubating)$/i;
function parseFileName(base) {
  const stem = base.replace(ARCHIVE_EXT, "");
  const starts = [];
  for (let i = 1; i < stem.length - 1; i++)
    if (stem[i] === "-" && /\d/.test(stem[i + 1]))
      starts.push(i);
  for (const i of starts) {
    const rest = stem.slice(i + 1).split("-");
    const nameLike = rest.some((seg, k) => k > 0 && /^[A-Za-z][A-Za-z0-9_]*$/.test(seg) && !QUALIFIER.test(seg) && rest.slice(k + 1).some((s) => /^\d/.test(s)));
    if (!nameLike)
      return { artifact: stem.slice(0, i), version: stem.slice(i + 1) };
  }
  return { artifact: stem, version: "" };
}
function pomFromProperties(entry, props) {
  const seg = entry.split("/");
  const groupId = props.get("groupId") || seg[2] || "";
  const artifactId = props.get("artifactId") || seg[3] || "";
  if (!artifactId)
    return null;
  return { groupId, artifactId, version: props.get("version") ?? "", entry };
}
function ownPom(poms, base, manifest) {
  if (poms.length === 0)
    return null;
  const { artifact: stem, version } = parseFileName(base);
  const scored = poms.map((p) => {
    const a = p.artifactId;
    let s = 0;
    if (stem === a || stem === `${p.groupId}.${a}` || stem === `${p.groupId}-${a}`)
      s = 4;
    else if (stem.startsWith(a + "-") || stem.endsWith("-" + a) || stem.endsWith("." + a))
      s = 2;
    if (s > 0 && version && p.version === version)
      s += 1;
    return { p, s };
  });
  const best = Math.max(...scored.map((x) => x.s));
  if (poms.length === 1 && (best > 0 || !version || poms[0].version === version))
    return poms[0];
  if (best > 0) {
    const top = scored.filter((x) => x.s === best);
    return top.length === 1 ? top[0].p : null;
  }
  const implVersion = manifest.get("implementation-version");
  const byVersion = implVersion ? poms.filter((p) => p.version === implVersion) : [];
  return byVersion.length === 1 ? byVersion[0] : null;
}
var ID_LIKE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
function manifestIdentity(manifest, base) {
  const file = parseFileName(base);
  const title = manifest.get("implementation-title") ?? "";
  const bsn = (manifest.get("bundle-symbolicname") ?? "").split(";")[0].trim();
  const artifactId = file.version ? file.artifact : ID_LIKE.test(title) ? title : ID_LIKE.test(bsn) ? bsn : file.artifact;
  const manifestVersion = firstToken(manifest.get("implementation-version")) || firstToken(manifest.get("bundle-version"));
  const version = file.version || manifestVersion;
  const groupLike = (g) => ID_LIKE.test(g) && g.split(".").length >= 3;
  const vendorId = manifest.get("implementation-vendor-id") ?? "";
  let groupId = groupLike(vendorId) ? vendorId : "";
  const bsnGroup = bsn.endsWith("." + artifactId) ? bsn.slice(0, -artifactId.length - 1) : "";
  if (!groupId && (groupLike(bsnGroup) || artifactId.includes("-") && bsnGroup.includes(".")))
    groupId = bsnGroup;
  const fromManifest = manifestVersion !== "" && !file.version || artifactId !== file.artifact || groupId !== "";
  return { groupId, artifactId, version, from: fromManifest ? "manifest" : "filename" };
}
function firstToken(v) {
  return ((v ?? "").trim().split(/\s+/)[0] ?? "").replace(/^"(.*)"$/, "$1");
}

// dist/src/analyzers/lang/java/manifest.js
function parseManifest(text) {
  const out = /* @__PURE__ */ new Map();
  let key;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === "") {
      if (out.size > 0)
        break;
      continue;
    }
    if (line.startsWith(" ")) {
      if (key !== void 0)
        out.set(key, out.get(key) + line.slice(1));
      continue;
    }
    const i = line.indexOf(":");
    if (i <= 0) {
      key = void 0;
      continue;
    }
    key = line.slice(0, i).trim().toLowerCase();
    if (out.has(key))
      key = void 0;
    else
      out.set(key, line.slice(i + 1).replace(/^ /, ""));
  }
  for (const [k, v] of out)
    out.set(k, v.trim());
  return out;
}
function bundleLicenses(value) {
  if (!value)
    return [];
  const parts = [];
  let cur = "";
  let quoted = false;
  for (const ch of value) {
    if (ch === '"')
      quoted = !quoted;
    if (ch === "," && !quoted) {
      parts.push(cur);
      cur = "";
    } else
      cur += ch;
  }
  parts.push(cur);
  const out = [];
  for (const p of parts) {
    const id = p.split(";")[0].trim().replace(/^"|"$/g, "");
    if (id && !out.includes(id))
      out.push(id);
  }
  return out;
}

// dist/src/analyzers/lang/java/properties.js
function parseProperties(text) {
  const out = /* @__PURE__ */ new Map();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/^[ \t\f]+/, "");
    if (line === "" || line.startsWith("#") || line.startsWith("!"))
      continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length)
      line = line.slice(0, -1) + lines[++i].replace(/^[ \t\f]+/, "");
    const sep = separatorAt(line);
    const key = unescape2(sep === -1 ? line : line.slice(0, sep)).trim();
    const value = sep === -1 ? "" : unescape2(line.slice(sep + 1).replace(/^[ \t\f]*[=:]?/, "")).trim();
    if (key && !out.has(key))
      out.set(key, value);
  }
  return out;
}
function separatorAt(line) {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "\\")
      i++;
    else if (c === "=" || c === ":" || c === " " || c === "	")
      return i;
  }
  return -1;
}
function unescape2(s) {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e) => {
    if (e.length === 5)
      return String.fromCharCode(parseInt(e.slice(1), 16));
    return e === "t" ? "	" : e === "n" ? "\n" : e === "r" ? "\r" : e;
  });
}

// dist/src/analyzers/lang/java/archive.js
var LIMITS = { maxDepth: 8, maxEntries: 2e5, maxTotalBytes: 4 * 2 ** 30, inMemoryBytes: 32 * 2 ** 20, maxMetadataBytes: 2 ** 20 };
var POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
var MAX_ERRORS4 = 50;
async function walkJavaArchive(source, path, limits = LIMITS) {
  const w = { limits, bytesLeft: limits.maxTotalBytes, packages: [], errors: [], spools: 0 };
  try {
    let zip;
    try {
      zip = await (typeof source === "string" ? openFile(source) : openBuffer(source));
    } catch (e) {
      return { packages: [], errors: [`${path}: not a readable zip archive: ${e.message}`] };
    }
    await walk(w, zip, "/" + path, baseOf(path), 0);
  } finally {
    if (w.tmp)
      rmSync(w.tmp, { recursive: true, force: true });
  }
  return { packages: w.packages, errors: w.errors };
}
function addError(w, msg) {
  if (w.errors.length < MAX_ERRORS4)
    w.errors.push(msg);
  else if (w.errors.length === MAX_ERRORS4)
    w.errors.push("further errors omitted");
}
var baseOf = (p) => p.slice(p.lastIndexOf("/") + 1);
async function walk(w, zip, location, base, depth) {
  const nested = [];
  try {
    if (zip.entryCount > w.limits.maxEntries) {
      addError(w, `${location}: ${zip.entryCount} entries, over the ${w.limits.maxEntries} limit; skipped`);
      return;
    }
    const pomEntries = [];
    let manifestEntry;
    await forEachEntry(zip, (e) => {
      const name = entryName(e);
      if (name.endsWith("/"))
        return;
      if (POM_PROPERTIES.test(name))
        pomEntries.push(e);
      else if (name.toUpperCase() === "META-INF/MANIFEST.MF")
        manifestEntry ??= e;
      else if (isJavaArchiveName(name))
        nested.push(e);
    });
    let manifest = /* @__PURE__ */ new Map();
    if (manifestEntry) {
      const text = await readText(w, zip, manifestEntry, location);
      if (text !== null)
        manifest = parseManifest(text);
    }
    const poms = [];
    for (const e of pomEntries) {
      const text = await readText(w, zip, e, location);
      const pom = text === null ? null : pomFromProperties(entryName(e), parseProperties(text));
      if (pom)
        poms.push(pom);
    }
    addPackages(w, location, base, manifest, poms);
    for (const e of nested) {
      if (depth + 1 > w.limits.maxDepth) {
        addError(w, `${location}: archives nested deeper than ${w.limits.maxDepth} levels; not read`);
        break;
      }
      await walkNested(w, zip, e, `${location}!/${entryName(e)}`, depth + 1);
    }
  } catch (e) {
    addError(w, `${location}: corrupt archive: ${e.message}`);
  } finally {
    zip.close();
  }
}
function spend(w, bytes, what) {
  if (bytes > w.bytesLeft) {
    addError(w, `${what}: read budget of ${w.limits.maxTotalBytes} inflated bytes spent (zip bomb?); not read`);
    w.bytesLeft = 0;
    return false;
  }
  w.bytesLeft -= bytes;
  return true;
}
async function readText(w, zip, e, location) {
  const what = `${location}!/${entryName(e)}`;
  if (!spend(w, Math.min(e.uncompressedSize, w.limits.maxMetadataBytes), what))
    return null;
  try {
    return (await readEntry(zip, e, w.limits.maxMetadataBytes)).toString("utf8");
  } catch (err) {
    addError(w, `${what}: ${err.message}`);
    return null;
  }
}
async function walkNested(w, zip, e, location, depth) {
  const size = e.uncompressedSize;
  if (!spend(w, size, location))
    return;
  let inner;
  let spool;
  try {
    if (size <= w.limits.inMemoryBytes) {
      inner = await openBuffer(await readEntry(zip, e, w.limits.inMemoryBytes));
    } else {
      w.tmp ??= mkdtempSync(join(tmpdir(), "bulwark-jar-"));
      spool = join(w.tmp, String(w.spools++));
      await spoolEntry(zip, e, spool, size);
      inner = await openFile(spool);
    }
  } catch (err) {
    if (spool)
      rmSync(spool, { force: true });
    addError(w, `${location}: not a readable zip archive: ${err.message}`);
    return;
  }
  try {
    await walk(w, inner, location, baseOf(entryName(e)), depth);
  } finally {
    if (spool)
      rmSync(spool, { force: true });
  }
}
function addPackages(w, location, base, manifest, poms) {
  const own = ownPom(poms, base, manifest);
  const id = own ? { groupId: own.groupId, artifactId: own.artifactId, version: own.version, from: "pom.properties" } : manifestIdentity(manifest, base);
  if (id.artifactId)
    w.packages.push(toPackage5(id, location, bundleLicenses(manifest.get("bundle-license"))));
  for (const p of poms) {
    if (p === own)
      continue;
    if (!own && p.groupId === id.groupId && p.artifactId === id.artifactId && p.version === id.version)
      continue;
    w.packages.push(toPackage5({ groupId: p.groupId, artifactId: p.artifactId, version: p.version, from: "pom.properties" }, `${location}!/${p.entry}`, []));
  }
}
function toPackage5(id, location, licenses2) {
  const metadata = { identifiedBy: id.from };
  if (!id.groupId)
    metadata.groupUnknown = "true";
  return {
    type: "maven",
    name: id.groupId ? `${id.groupId}:${id.artifactId}` : id.artifactId,
    version: id.version,
    purl: "",
    source: null,
    licenses: licenses2,
    locations: [{ path: location }],
    metadata
  };
}

// dist/src/analyzers/lang/java/index.js
var javaAnalyzer = {
  id: "lang/java",
  evidence: "installed",
  version: 1,
  maxFileSize: 2 * 2 ** 30,
  input: "file",
  required: isJavaArchiveName,
  async analyze(file) {
    const { packages, errors } = await walkJavaArchive(file.localPath ?? file.content, file.path);
    return { ...packages.length ? { packages } : {}, ...errors.length ? { errors } : {} };
  },
  finalize: finalizeMaven
};

// dist/src/analyzers/lang/maven-pom/xml.js
var MAX_DEPTH3 = 200;
var MAX_ELEMENTS = 5e5;
var PREDEFINED = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (whole, e) => {
    if (e[0] !== "#")
      return PREDEFINED[e];
    const code = e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 1114111 ? String.fromCodePoint(code) : whole;
  });
}
function parseXml(text) {
  let root;
  const stack = [];
  let count = 0;
  let i = 0;
  const until = (marker, from, what) => {
    const j = text.indexOf(marker, from);
    if (j === -1)
      throw new Error(`unterminated ${what}`);
    return j;
  };
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const end = lt === -1 ? text.length : lt;
    if (end > i && stack.length)
      stack.at(-1).text += decodeEntities(text.slice(i, end));
    if (lt === -1)
      break;
    if (text.startsWith("<!--", lt))
      i = until("-->", lt + 4, "comment") + 3;
    else if (text.startsWith("<![CDATA[", lt)) {
      const j = until("]]>", lt + 9, "CDATA section");
      if (stack.length)
        stack.at(-1).text += text.slice(lt + 9, j);
      i = j + 3;
    } else if (text.startsWith("<?", lt))
      i = until("?>", lt + 2, "processing instruction") + 2;
    else if (text.startsWith("<!", lt))
      i = skipDeclaration(text, lt);
    else if (text.startsWith("</", lt)) {
      const j = until(">", lt + 2, "end tag");
      const name = localName(text.slice(lt + 2, j).trim());
      const open2 = stack.pop();
      if (!open2 || open2.name !== name)
        throw new Error(`end tag </${name}> does not match <${open2?.name ?? "nothing"}>`);
      i = j + 1;
    } else {
      const { name, selfClosing, next } = readStartTag(text, lt);
      if (stack.length === 0 && root)
        throw new Error("more than one root element");
      if (stack.length >= MAX_DEPTH3)
        throw new Error(`elements nested deeper than ${MAX_DEPTH3}`);
      if (++count > MAX_ELEMENTS)
        throw new Error(`more than ${MAX_ELEMENTS} elements`);
      const el = { name, children: [], text: "" };
      if (stack.length)
        stack.at(-1).children.push(el);
      else
        root = el;
      if (!selfClosing)
        stack.push(el);
      i = next;
    }
  }
  if (!root)
    throw new Error("no root element");
  if (stack.length)
    throw new Error(`unexpected end of document inside <${stack.at(-1).name}>`);
  return root;
}
var localName = (qname) => qname.slice(qname.indexOf(":") + 1);
function readStartTag(text, lt) {
  const m = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(lt, lt + 256));
  if (!m)
    throw new Error(`malformed tag at offset ${lt}`);
  let quote = "";
  for (let i = lt + m[0].length; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote)
        quote = "";
    } else if (c === '"' || c === "'")
      quote = c;
    else if (c === ">")
      return { name: localName(m[1]), selfClosing: text[i - 1] === "/", next: i + 1 };
    else if (c === "<")
      break;
  }
  throw new Error(`unterminated tag <${m[1]}>`);
}
function skipDeclaration(text, lt) {
  let depth = 0;
  let quote = "";
  for (let i = lt + 2; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote)
        quote = "";
    } else if (c === '"' || c === "'")
      quote = c;
    else if (c === "[")
      depth++;
    else if (c === "]")
      depth--;
    else if (c === ">" && depth <= 0)
      return i + 1;
  }
  throw new Error("unterminated declaration");
}
var childOf = (el, name) => el?.children.find((c) => c.name === name);
var childrenOf = (el, name) => el?.children.filter((c) => c.name === name) ?? [];
var textOf = (el, name) => childOf(el, name)?.text.trim() ?? "";

// dist/src/analyzers/lang/maven-pom/pom.js
var MAX_ROUNDS = 10;
function parsePom(text) {
  const project = parseXml(text);
  if (project.name !== "project")
    throw new Error(`not a POM: root element is <${project.name}>`);
  const resolve2 = resolver(project);
  const managed = /* @__PURE__ */ new Map();
  for (const d of childrenOf(childOf(childOf(project, "dependencyManagement"), "dependencies"), "dependency")) {
    const key = `${resolve2(textOf(d, "groupId"))}:${resolve2(textOf(d, "artifactId"))}`;
    if (!managed.has(key))
      managed.set(key, { version: textOf(d, "version"), scope: textOf(d, "scope") });
  }
  const out = [];
  const seen = /* @__PURE__ */ new Set();
  for (const d of childrenOf(childOf(project, "dependencies"), "dependency")) {
    const groupId = resolve2(textOf(d, "groupId"));
    const artifactId = resolve2(textOf(d, "artifactId"));
    const key = `${groupId}:${artifactId}`;
    if (!groupId || !artifactId || seen.has(key))
      continue;
    seen.add(key);
    const m = managed.get(key);
    const raw = textOf(d, "version") || m?.version || "";
    const resolved = resolve2(raw);
    const version = resolved.includes("${") ? "" : resolved;
    const dep = { groupId, artifactId, version, scope: resolve2(textOf(d, "scope") || m?.scope || ""), optional: resolve2(textOf(d, "optional")) === "true" };
    if (raw && raw !== version)
      dep.declared = raw;
    out.push(dep);
  }
  return out;
}
function resolver(project) {
  const props = /* @__PURE__ */ new Map();
  const parent = childOf(project, "parent");
  for (const field of ["groupId", "artifactId", "version"]) {
    const v = textOf(project, field) || (field === "artifactId" ? "" : textOf(parent, field));
    if (v)
      for (const k of [`project.${field}`, `pom.${field}`, field])
        props.set(k, v);
    const pv = textOf(parent, field);
    if (pv)
      for (const k of [`project.parent.${field}`, `parent.${field}`])
        props.set(k, pv);
  }
  for (const p of childOf(project, "properties")?.children ?? [])
    props.set(p.name, p.text.trim());
  return (s) => {
    for (let round = 0; round < MAX_ROUNDS && s.includes("${"); round++) {
      const next = s.replace(/\$\{([^}]*)\}/g, (whole, name) => props.get(name) ?? whole);
      if (next === s)
        break;
      if (next.length > 4096)
        return s;
      s = next;
    }
    return s;
  };
}

// dist/src/analyzers/lang/maven-pom/index.js
var mavenPomAnalyzer = {
  id: "lang/maven-pom",
  evidence: "declared",
  version: 1,
  maxFileSize: 8 * 2 ** 20,
  required: (path) => baseName(path) === "pom.xml" && lockfileDiscoverable(path),
  analyze(file) {
    let deps;
    try {
      deps = parsePom(file.content.toString("utf8"));
    } catch (e) {
      return { errors: [`${file.path}: ${e.message}`] };
    }
    const packages = deps.map((d) => {
      const metadata = {};
      if (d.scope)
        metadata.scope = d.scope;
      if (d.optional)
        metadata.optional = "true";
      if (d.declared !== void 0)
        metadata.declaredVersion = d.declared;
      return {
        type: "maven",
        name: `${d.groupId}:${d.artifactId}`,
        version: d.version,
        purl: "",
        source: null,
        licenses: [],
        locations: [{ path: "/" + file.path }],
        ...d.scope === "test" ? { dev: true } : {},
        ...Object.keys(metadata).length ? { metadata } : {}
      };
    });
    return packages.length ? { packages } : null;
  },
  finalize: finalizeMaven
};

// dist/src/analyzers/lang/gradle-lock/index.js
var LOCKFILES = /* @__PURE__ */ new Set(["gradle.lockfile", "buildscript-gradle.lockfile"]);
var LEGACY = /(^|\/)gradle\/dependency-locks\/[^/]+\.lockfile$/;
function parseGradleLock(text, defaultConfiguration) {
  const out = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#"))
      continue;
    const eq = line.indexOf("=");
    const coord = eq === -1 ? line : line.slice(0, eq);
    const parts = coord.split(":");
    if (parts.length !== 3 || parts.some((p) => !/^[^\s=:]+$/.test(p)))
      continue;
    const configurations = eq === -1 ? defaultConfiguration ? [defaultConfiguration] : [] : line.slice(eq + 1).split(",").map((c) => c.trim()).filter(Boolean);
    out.push({ group: parts[0], artifact: parts[1], version: parts[2], configurations });
  }
  return out;
}
var TEST_CONF = /^test|Test[A-Z]?\w*$|^developmentOnly$/;
var gradleLockAnalyzer = {
  id: "lang/gradle-lock",
  evidence: "declared",
  version: 1,
  maxFileSize: 16 * 2 ** 20,
  required: (path) => (LOCKFILES.has(baseName(path)) || path.endsWith(".lockfile") && LEGACY.test(path)) && lockfileDiscoverable(path),
  analyze(file) {
    const base = baseName(file.path);
    const legacyConf = LEGACY.test(file.path) ? base.replace(/\.lockfile$/, "") : void 0;
    const buildscript = base === "buildscript-gradle.lockfile" || legacyConf === "classpath";
    const deps = parseGradleLock(file.content.toString("utf8"), legacyConf);
    const packages = deps.map((d) => {
      const dev = buildscript || d.configurations.length > 0 && d.configurations.every((c) => TEST_CONF.test(c));
      return {
        type: "maven",
        name: `${d.group}:${d.artifact}`,
        version: d.version,
        purl: "",
        source: null,
        licenses: [],
        locations: [{ path: "/" + file.path }],
        ...dev ? { dev: true } : {},
        ...d.configurations.length ? { metadata: { configurations: d.configurations.join(",") } } : {}
      };
    });
    return packages.length ? { packages } : null;
  },
  finalize: finalizeMaven
};

// dist/src/analyzers/lang/jdk/index.js
var RELEASE = /^(?:(?:.*\/)?usr\/lib\/jvm\/[^/]+|opt\/[^/]+(?:\/[^/]+)?|usr\/local\/[^/]+|(?:.*\/)?jre)\/release$/;
function parseRelease(text) {
  const out = /* @__PURE__ */ new Map();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m && !out.has(m[1]))
      out.set(m[1], m[2].trim().replace(/^"(.*)"$/, "$1"));
  }
  return out;
}
var META = [
  ["IMPLEMENTOR", "implementor"],
  ["IMPLEMENTOR_VERSION", "implementorVersion"],
  ["JAVA_RUNTIME_VERSION", "runtimeVersion"],
  ["JAVA_VERSION_DATE", "versionDate"],
  ["IMAGE_TYPE", "imageType"],
  ["JVM_VARIANT", "jvmVariant"],
  ["OS_ARCH", "arch"],
  ["BUILD_TYPE", "buildType"]
];
var jdkAnalyzer = {
  id: "lang/jdk",
  evidence: "installed",
  version: 1,
  maxFileSize: 256 * 1024,
  required: (path) => path.endsWith("/release") && RELEASE.test(path),
  analyze(file) {
    const r = parseRelease(file.content.toString("utf8"));
    const version = r.get("JAVA_VERSION");
    if (!version || !/^[0-9][\w.+-]*$/.test(version))
      return null;
    const oracle = r.get("BUILD_TYPE") === "commercial";
    const metadata = {};
    for (const [key, name] of META) {
      const v = r.get(key);
      if (v)
        metadata[name] = v;
    }
    const dir = file.path.slice(0, -"/release".length);
    metadata.home = "/" + dir;
    const pkg2 = {
      type: "generic",
      name: oracle ? "oracle-jdk" : "openjdk",
      version,
      purl: "",
      source: null,
      licenses: [],
      locations: [{ path: "/" + file.path }],
      metadata
    };
    return { packages: [pkg2] };
  },
  finalize: finalizeWithPurl("generic")
};

// dist/src/analyzers/registry.js
var analyzers = [
  // OS
  osReleaseAnalyzer,
  dpkgAnalyzer,
  apkAnalyzer,
  rpmAnalyzer,
  // Python
  pythonAnalyzer,
  pythonEggAnalyzer,
  pythonLockAnalyzer,
  // Ruby, PHP, .NET
  rubyAnalyzer,
  gemfileLockAnalyzer,
  composerAnalyzer,
  composerLockAnalyzer,
  dotnetAnalyzer,
  nugetLockAnalyzer,
  // JavaScript
  npmAnalyzer,
  npmLockAnalyzer,
  yarnAnalyzer,
  pnpmAnalyzer,
  // Go, Rust, runtimes
  gobinaryAnalyzer,
  gomodAnalyzer,
  rustAnalyzer,
  cargoLockAnalyzer,
  runtimeAnalyzer,
  // Java
  javaAnalyzer,
  mavenPomAnalyzer,
  gradleLockAnalyzer,
  jdkAnalyzer
];

// dist/src/secrets/allow.js
function entropy(s) {
  if (s.length === 0)
    return 0;
  const counts = /* @__PURE__ */ new Map();
  for (const ch of s)
    counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}
var EVERY_RULE = [
  /example/i,
  // AKIAIOSFODNN7EXAMPLE, wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, …
  /x{5,}/i,
  /\*{3,}/,
  /\.{3}|…/,
  /dummy|fake|sample|placeholder|redacted|changeme|your[_-]?(?:own[_-]?)?(?:key|token|secret|pass)/i,
  /^(.)\1+$/
  // one character repeated
];
var PLACEHOLDER_WORDS = /* @__PURE__ */ new Set([
  "password",
  "passwd",
  "secret",
  "token",
  "null",
  "none",
  "nil",
  "undefined",
  "true",
  "false",
  "empty",
  "changeit",
  "pass",
  "admin",
  "root",
  "user",
  "username",
  "string",
  "required",
  "optional"
]);
var GENERIC_ONLY = [
  /test|mock|demo|foo|bar|baz|qwerty|abc123|123456|lorem/i,
  /^\$\{?[\w.]+\}?$|\$\{|\$\(|\{\{|\}\}|^%|%\(|^<.*>?$|^@/,
  // ${VAR}, $VAR, {{ .Values.x }}, <your-password>, %(x)s, @var
  /^\$2[abxy]?\$\d\d\$|^\$[156]\$|^\$argon2|^\$apr1\$|^\{(?:SSHA|SHA|MD5|CRYPT)\}/i,
  // crypt and LDAP hashes
  /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$/i,
  // hex digests
  /^sha(?:1|256|384|512)-/i,
  // lockfile integrity
  /^(?:https?|file):\/\//i,
  /^[a-z]+(?:[_-][a-z0-9]+)+$/i,
  // identifiers and enum values: my_password_field, scram-sha-256
  /^(?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*$/,
  // config.password, os.environ.get
  /[()[\]{}<>]/,
  /^[?!&|^~]/
  // operators and parser states such as "?NonExpressionParenEnd"
];
function allowedValue(value, generic2) {
  const v = value.trim();
  if (v === "")
    return generic2;
  if (EVERY_RULE.some((re2) => re2.test(v)))
    return true;
  if (!generic2)
    return false;
  if (PLACEHOLDER_WORDS.has(v.toLowerCase()))
    return true;
  return GENERIC_ONLY.some((re2) => re2.test(v));
}
function knownValues(values) {
  return new RegExp(`^(?:${values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$`);
}
var GENERIC_LINE_ALLOW = [
  /"?integrity"?\s*[:=]/i,
  /-----BEGIN (?:PUBLIC KEY|CERTIFICATE|X509 CRL|PGP PUBLIC KEY BLOCK|RSA PUBLIC KEY)/,
  /^\s*(?:#|\/\/)\s*(?:e\.g\.|example|for example|usage)/i
];

// dist/src/secrets/context.js
var LIBRARY_TREE = new RegExp([
  String.raw`(?:^|/)usr/(?:local/)?lib/(?:ruby|python[23][^/]*|pypy[^/]*|nodejs|node_modules|jvm|php|perl5?)/`,
  String.raw`(?:^|/)usr/(?:local/)?share/(?:nodejs|javascript|java|ruby[^/]*|rubygems-integration|perl5?|php|python[^/]*)/`,
  String.raw`(?:^|/)usr/lib/[^/]+-linux-gnu[^/]*/perl[^/]*/`,
  String.raw`(?:^|/)var/lib/gems/`,
  String.raw`(?:^|/)(?:node_modules|site-packages|dist-packages|bower_components)/`,
  String.raw`(?:^|/)gems/[^/]+/(?:gems|bundler/gems)/`,
  String.raw`(?:^|/)vendor/bundle/`,
  String.raw`(?:^|/)go/pkg/mod/`
].join("|"));
var DOC_FILE = /\.(?:md|markdown|rdoc|rst|txt|html?|pod|adoc|textile|ri|[1-9])$/i;
function isLibraryPath(path) {
  return path !== null && LIBRARY_TREE.test(path);
}
var COMMENT_LINE = /^\s*(?:#|\/\/|\/\*|\*|<!--|--|;|%|=begin\b|"""|''')/;
var blockText;
var blockRanges = [];
function rangesOf(text, path) {
  if (blockText === text)
    return blockRanges;
  const ranges = [];
  if (/\.pyi?$/.test(path)) {
    const re2 = /"""|'''/g;
    for (let m = re2.exec(text); m; m = re2.exec(text)) {
      const close = text.indexOf(m[0], m.index + 3);
      const end = close < 0 ? text.length : close + 3;
      ranges.push([m.index, end]);
      re2.lastIndex = end;
    }
  } else if (/\.(?:rb|rake|gemspec)$/.test(path)) {
    const re2 = /^=begin\b/gm;
    for (let m = re2.exec(text); m; m = re2.exec(text)) {
      const close = /^=end\b/m.exec(text.slice(m.index));
      const end = close ? m.index + close.index + close[0].length : text.length;
      ranges.push([m.index, end]);
      re2.lastIndex = end;
    }
  }
  blockText = text;
  blockRanges = ranges;
  return ranges;
}
function isLibraryDoc(line, path, text, offset) {
  if (!isLibraryPath(path))
    return false;
  if (DOC_FILE.test(path))
    return true;
  if (COMMENT_LINE.test(line))
    return true;
  if (offset < 0)
    return false;
  const ranges = rangesOf(text, path);
  if (ranges.length === 0)
    return false;
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo < hi) {
    const mid = lo + hi + 1 >> 1;
    if (ranges[mid][0] <= offset)
      lo = mid;
    else
      hi = mid - 1;
  }
  const r = ranges[lo];
  return r[0] <= offset && offset < r[1];
}
var CODE_FILE = /\.(?:rb|rbs|rake|gemspec|erb|py|pyi|pyx|js|mjs|cjs|jsx|ts|mts|cts|tsx|vue|svelte|java|kt|kts|scala|groovy|gradle|go|php|c|h|cc|cpp|cxx|hh|hpp|cs|rs|swift|m|mm|pl|pm|lua|r|dart|ex|exs|erl|clj|cljs|coffee|json|json5|jsonc)$/i;
function fileStyle(path) {
  if (path === null)
    return "config";
  if (CODE_FILE.test(path))
    return "code";
  const base = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  if (/\.(?:env|ini|cfg|conf|cnf|properties|ya?ml|toml|sh|bash|zsh|ksh|envrc|npmrc|pypirc|netrc|pgpass|service|tf|tfvars|hcl)$/.test(base) || /^(?:\.env(?:\..*)?|\.?[\w-]*rc|dockerfile(?:\..*)?|containerfile|.*\.dockerfile|environment|credentials|config)$/.test(base))
    return "config";
  return "unknown";
}

// dist/src/secrets/keywords.js
function fold(c) {
  return c >= 65 && c <= 90 ? c | 32 : c;
}
function slot(c0, c1) {
  return c0 < 128 && c1 < 128 ? c0 << 7 | c1 : -1;
}
function matchesAt(text, i, k) {
  if (i + k.length > text.length)
    return false;
  for (let j = 0; j < k.length; j++)
    if (fold(text.charCodeAt(i + j)) !== k.charCodeAt(j))
      return false;
  return true;
}
var KeywordIndex = class {
  table = new Uint8Array(1 << 14);
  bySlot = /* @__PURE__ */ new Map();
  any;
  constructor(list) {
    const keywords = [...new Set(list)];
    for (const k of keywords) {
      const s = slot(k.charCodeAt(0), k.charCodeAt(1));
      if (k.length < 2 || s < 0 || k !== k.toLowerCase())
        throw new Error(`bad keyword: ${k}`);
      this.table[s] = 1;
      this.bySlot.set(s, [...this.bySlot.get(s) ?? [], k]);
    }
    const sorted = [...keywords].sort((a, b) => b.length - a.length);
    this.any = new RegExp(sorted.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi");
  }
  /** Offset of the first keyword at or after `from`, or -1. */
  next(text, from) {
    this.any.lastIndex = from;
    const m = this.any.exec(text);
    return m ? m.index : -1;
  }
  /** Every keyword present in a line (a short character loop: lines are short). */
  present(line) {
    const found = /* @__PURE__ */ new Set();
    for (let i = 0; i < line.length - 1; i++) {
      const s = slot(fold(line.charCodeAt(i)), fold(line.charCodeAt(i + 1)));
      if (s >= 0 && this.table[s] === 1) {
        for (const k of this.bySlot.get(s) ?? [])
          if (matchesAt(line, i, k))
            found.add(k);
      }
    }
    return found;
  }
};

// dist/src/secrets/paths.js
var SECRET_MAX_FILE = 1024 * 1024;
var BINARY_EXT = new Set("png jpg jpeg gif bmp ico webp tif tiff psd svgz mp3 mp4 m4a ogg wav flac avi mov mkv webm zip gz tgz bz2 xz zst lz4 7z rar tar jar war ear whl egg deb rpm apk iso img dmg so a o obj dll exe bin class pyc pyo pyd wasm node dylib lib ttf otf woff woff2 eot pdf doc docx xls xlsx ppt pptx odt db sqlite sqlite3 mo gmo pack idx dat pak cache jks p12 pfx der cer crt keystore".split(" "));
var SKIP_DIRS = [
  /(?:^|\/)usr\/share\/(?:doc|man|locale|info|i18n)\//,
  /(?:^|\/)testdata\//,
  /(?:^|\/)tests?\/fixtures\//,
  /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/]+\/(?:tests?|__tests__|spec)\//,
  /(?:^|\/)(?:go\/pkg\/mod|usr\/lib\/go[^/]*\/src)\/.*_test\.go$/
];
function normalizePath(path) {
  return path.replace(/\\/g, "/").replace(/^(?:\.\/|\/)+/, "");
}
function isScannableText(path, head) {
  const p = normalizePath(path);
  if (SKIP_DIRS.some((re2) => re2.test(p)))
    return false;
  const base = p.slice(p.lastIndexOf("/") + 1).toLowerCase();
  const dot = base.lastIndexOf(".");
  if (dot > 0 && BINARY_EXT.has(base.slice(dot + 1)))
    return false;
  const n = Math.min(head.length, 8192);
  for (let i = 0; i < n; i++)
    if (head[i] === 0)
      return false;
  return true;
}

// dist/src/secrets/rules/shape.js
var END = String.raw`(?=$|[\s"'\x60;,)\]}<>\\|&@:])`;
var VALUE_END = String.raw`(?=$|[\s"'\x60;,)\]}<>\\|&])`;
var START = String.raw`(?<![A-Za-z0-9_+/])`;
function assigned(key, value) {
  return String.raw`(?:${key})[\w.-]{0,20}?["']?[ \t]{0,3}(?:=|:=|:|=>|\?=)[ \t]{0,3}["'\x60]?(?<secret>${value})${VALUE_END}`;
}
function re(source, insensitive = false) {
  return new RegExp(source, insensitive ? "i" : "");
}

// dist/src/secrets/rules/access.js
function dbUrl(id, schemes, title, keywords) {
  return {
    id,
    title,
    severity: "HIGH",
    keywords,
    regex: re(String.raw`\b(?:${schemes})://[^:@/\s"'\x60]{1,100}:(?<secret>[^@/\s"'\x60]{1,200})@[^\s"'\x60]`, true),
    // The password part is often a template: postgres://user:${DB_PASSWORD}@host.
    generic: true
  };
}
var accessRules = [
  dbUrl("BW-SECRET-POSTGRES-URL", "postgres(?:ql)?(?:\\+\\w+)?", "PostgreSQL connection URL with a password", ["postgres"]),
  dbUrl("BW-SECRET-MYSQL-URL", "mysql(?:\\+\\w+)?|mariadb", "MySQL/MariaDB connection URL with a password", ["mysql", "mariadb"]),
  dbUrl("BW-SECRET-MONGODB-URL", "mongodb(?:\\+srv)?", "MongoDB connection URL with a password", ["mongodb"]),
  dbUrl("BW-SECRET-REDIS-URL", "rediss?", "Redis connection URL with a password", ["redis"]),
  dbUrl("BW-SECRET-AMQP-URL", "amqps?", "AMQP (RabbitMQ) connection URL with a password", ["amqp"]),
  dbUrl("BW-SECRET-MSSQL-URL", "mssql|sqlserver", "SQL Server connection URL with a password", ["mssql", "sqlserver"]),
  {
    // Any other scheme (https, ftp, git+https, ldap, smtp, …). After the specific URL rules and
    // after the token rules, which claim a token used as the user or password first.
    id: "BW-SECRET-URL-CREDENTIALS",
    title: "Credentials in a URL (user:password@host)",
    severity: "HIGH",
    keywords: ["://"],
    regex: re(String.raw`\b[a-z][a-z0-9+.-]{1,20}://[^\s:/?#@"'\x60<>]{1,100}:(?<secret>[^\s:/?#@"'\x60<>]{3,200})@[A-Za-z0-9[]`, true),
    // Constant passwords of token logins, and the usual stand-ins.
    allow: [/^(?:x-oauth-basic|x-access-token|anonymous|guest|pass(?:word)?|passwd|pwd|secret|user|admin|root|none|null|\*+|x+)$/i],
    generic: true
  },
  {
    id: "BW-SECRET-NETRC-PASSWORD",
    title: "Password in a .netrc file",
    severity: "HIGH",
    keywords: ["password"],
    regex: re(String.raw`(?:^|\s)password\s+(?<secret>\S+)`),
    path: /(?:^|\/)[._]netrc$/,
    generic: true
  },
  {
    id: "BW-SECRET-NETRC-LINE",
    title: "Inline .netrc credentials",
    severity: "HIGH",
    keywords: ["machine"],
    regex: re(String.raw`\bmachine\s+\S+\s+login\s+\S+\s+password\s+(?<secret>\S+)`),
    generic: true
  },
  {
    id: "BW-SECRET-KUBECONFIG-TOKEN",
    title: "Bearer token in a kubeconfig",
    severity: "CRITICAL",
    keywords: ["token:"],
    regex: re(String.raw`^\s*(?:-\s+)?token:\s*["']?(?<secret>[A-Za-z0-9._~+/=-]{20,})["']?\s*$`),
    fileContext: /^kind:\s*["']?Config\b|^users:\s*$/m,
    generic: true
  },
  {
    id: "BW-SECRET-JWT",
    title: "JSON Web Token",
    severity: "MEDIUM",
    keywords: ["eyj"],
    regex: re(String.raw`\b(?<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})${END}`),
    entropy: 3.5
  }
];

// dist/src/secrets/rules/aws.js
var awsRules = [
  {
    id: "BW-SECRET-AWS-ACCESS-KEY",
    title: "AWS access key ID",
    severity: "HIGH",
    keywords: ["akia", "asia", "abia", "acca", "a3t"],
    regex: re(String.raw`\b(?<secret>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\b`)
  },
  {
    id: "BW-SECRET-AWS-SECRET-KEY",
    title: "AWS secret access key",
    severity: "CRITICAL",
    keywords: ["secret_access_key", "secretaccesskey", "secret-access-key", "aws_secret", "aws-secret", "awssecret"],
    regex: re(assigned(String.raw`aws[_-]?secret(?:[_-]?access)?(?:[_-]?key)?|secret[_-]?access[_-]?key`, String.raw`[A-Za-z0-9/+]{40}`), true),
    entropy: 3.5
  },
  {
    id: "BW-SECRET-AWS-SESSION-TOKEN",
    title: "AWS session token",
    severity: "HIGH",
    keywords: ["session_token", "sessiontoken", "session-token", "security_token", "security-token"],
    regex: re(assigned(String.raw`aws[_-]?session[_-]?token|aws[_-]?security[_-]?token|x-amz-security-token|sessiontoken`, String.raw`[A-Za-z0-9/+=]{100,2000}`), true),
    entropy: 4
  },
  {
    id: "BW-SECRET-AWS-BEDROCK-API-KEY",
    title: "Amazon Bedrock API key",
    severity: "HIGH",
    keywords: ["absk"],
    regex: re(String.raw`\b(?<secret>ABSK[A-Za-z0-9+/]{109,269}={0,2})${END}`)
  },
  {
    id: "BW-SECRET-AWS-MWS-KEY",
    title: "Amazon MWS auth token",
    severity: "HIGH",
    keywords: ["amzn.mws."],
    regex: re(String.raw`${START}(?<secret>amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b`)
  }
];

// dist/src/secrets/rules/azure.js
var azureRules = [
  {
    id: "BW-SECRET-AZURE-STORAGE-KEY",
    title: "Azure storage account key",
    severity: "CRITICAL",
    keywords: ["accountkey", "account_key", "storage_key", "storagekey", "account-key", "storage-key"],
    regex: re(String.raw`(?:accountkey\s*=\s*|(?:storage|account)[_-]?(?:access[_-]?)?key["']?\s*[:=]\s*["']?)(?<secret>[A-Za-z0-9+/]{86}==)`, true)
  },
  {
    id: "BW-SECRET-AZURE-SHARED-ACCESS-KEY",
    title: "Azure Service Bus / Event Hubs shared access key",
    severity: "HIGH",
    keywords: ["sharedaccesskey="],
    regex: re(String.raw`SharedAccessKey=(?<secret>[A-Za-z0-9+/]{43}=)`, true)
  },
  {
    id: "BW-SECRET-AZURE-SAS-TOKEN",
    title: "Azure shared access signature",
    severity: "HIGH",
    keywords: ["sig="],
    regex: re(String.raw`[?&;]sig=(?<secret>[A-Za-z0-9%+/]{40,}(?:%3D|=)*)`),
    // Only a signed URL: the service version parameter sits beside the signature.
    confirm: (_s, line) => /[?&;]sv=\d{4}-\d\d-\d\d/.test(line)
  },
  {
    id: "BW-SECRET-AZURE-AD-CLIENT-SECRET",
    title: "Azure AD (Entra ID) client secret",
    severity: "HIGH",
    keywords: ["q~"],
    regex: re(String.raw`(?<![A-Za-z0-9_~.-])(?<secret>[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])`)
  }
];

// dist/src/secrets/rules/chat.js
var chatRules = [
  {
    id: "BW-SECRET-SLACK-BOT-TOKEN",
    title: "Slack bot token",
    severity: "HIGH",
    keywords: ["xoxb-"],
    regex: re(String.raw`\b(?<secret>xoxb-\d{8,13}-[A-Za-z0-9-]{18,})${END}`)
  },
  {
    id: "BW-SECRET-SLACK-USER-TOKEN",
    title: "Slack user token",
    severity: "HIGH",
    keywords: ["xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxo-"],
    regex: re(String.raw`\b(?<secret>xox[paros]-(?:\d-)?[0-9]{8,13}-[A-Za-z0-9-]{18,})${END}`)
  },
  {
    id: "BW-SECRET-SLACK-CONFIG-TOKEN",
    title: "Slack configuration token",
    severity: "HIGH",
    keywords: ["xoxe"],
    regex: re(String.raw`\b(?<secret>xoxe(?:\.xox[bp])?-\d-[A-Za-z0-9]{140,170})${END}`)
  },
  {
    id: "BW-SECRET-SLACK-APP-TOKEN",
    title: "Slack app-level token",
    severity: "HIGH",
    keywords: ["xapp-"],
    regex: re(String.raw`\b(?<secret>xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]{20,})${END}`, true)
  },
  {
    id: "BW-SECRET-SLACK-WEBHOOK",
    title: "Slack incoming webhook URL",
    severity: "MEDIUM",
    keywords: ["hooks.slack.com"],
    regex: re(String.raw`hooks\.slack\.com/(?:services|workflows|triggers)/(?<secret>[A-Za-z0-9+/_-]{20,80})`)
  },
  {
    id: "BW-SECRET-DISCORD-BOT-TOKEN",
    title: "Discord bot token",
    severity: "HIGH",
    keywords: ["discord"],
    regex: re(assigned("discord", String.raw`[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}`), true)
  },
  {
    id: "BW-SECRET-DISCORD-WEBHOOK",
    title: "Discord webhook URL",
    severity: "MEDIUM",
    keywords: ["/api/webhooks/"],
    regex: re(String.raw`discord(?:app)?\.com/api/webhooks/\d{17,20}/(?<secret>[A-Za-z0-9_-]{60,70})`)
  },
  {
    id: "BW-SECRET-TELEGRAM-BOT-TOKEN",
    title: "Telegram bot token",
    severity: "HIGH",
    keywords: [":aa"],
    regex: re(String.raw`(?<![\w:])(?<secret>\d{8,10}:AA[A-Za-z0-9_-]{33})${END}`)
  },
  {
    id: "BW-SECRET-TEAMS-WEBHOOK",
    title: "Microsoft Teams incoming webhook URL",
    severity: "MEDIUM",
    keywords: ["webhook.office.com"],
    regex: re(String.raw`webhook\.office\.com/webhookb2/(?<secret>[a-f0-9-]{36}@[a-f0-9-]{36}/IncomingWebhook/[a-f0-9]{32}/[a-f0-9-]{36})`)
  }
];

// dist/src/secrets/rules/cloud.js
function prefixed(id, title, keyword, pattern, severity = "HIGH") {
  return { id, title, severity, keywords: [keyword], regex: re(String.raw`${START}(?<secret>${pattern})${END}`) };
}
function named(id, title, keyword, value, entropyMin = 3) {
  return { id, title, severity: "HIGH", keywords: [keyword], regex: re(assigned(keyword, value), true), entropy: entropyMin };
}
var cloudRules = [
  prefixed("BW-SECRET-VAULT-SERVICE-TOKEN", "HashiCorp Vault service token", "hvs.", String.raw`hvs\.[A-Za-z0-9_-]{90,120}`, "CRITICAL"),
  prefixed("BW-SECRET-VAULT-BATCH-TOKEN", "HashiCorp Vault batch token", "hvb.", String.raw`hvb\.[A-Za-z0-9_-]{138,300}`, "CRITICAL"),
  prefixed("BW-SECRET-TERRAFORM-CLOUD-TOKEN", "Terraform Cloud / Enterprise API token", "atlasv1", String.raw`[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}`, "CRITICAL"),
  prefixed("BW-SECRET-DIGITALOCEAN-TOKEN", "DigitalOcean token", "_v1_", String.raw`do[por]_v1_[a-f0-9]{64}`, "CRITICAL"),
  prefixed("BW-SECRET-HEROKU-API-KEY", "Heroku API key", "hrku-", String.raw`HRKU-AA[0-9a-zA-Z_-]{58}`),
  named("BW-SECRET-HEROKU-LEGACY-API-KEY", "Heroku API key (legacy UUID)", "heroku", "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
  named("BW-SECRET-CLOUDFLARE-API-TOKEN", "Cloudflare API token", "cloudflare", "[A-Za-z0-9_-]{40}", 3.5),
  prefixed("BW-SECRET-CLOUDFLARE-ORIGIN-CA-KEY", "Cloudflare Origin CA key", "v1.0-", String.raw`v1\.0-[a-f0-9]{24}-[a-f0-9]{146}`),
  named("BW-SECRET-FASTLY-API-TOKEN", "Fastly API token", "fastly", "[A-Za-z0-9_-]{32}", 3.5),
  prefixed("BW-SECRET-ALIBABA-ACCESS-KEY", "Alibaba Cloud AccessKey ID", "ltai", "LTAI[A-Za-z0-9]{20}"),
  named("BW-SECRET-ALIBABA-SECRET-KEY", "Alibaba Cloud AccessKey secret", "alibaba", "[A-Za-z0-9]{30}", 3.5),
  prefixed("BW-SECRET-DOPPLER-TOKEN", "Doppler token", "dp.", String.raw`dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}`, "CRITICAL"),
  prefixed("BW-SECRET-PULUMI-TOKEN", "Pulumi access token", "pul-", "pul-[a-f0-9]{40}"),
  prefixed("BW-SECRET-DATABRICKS-TOKEN", "Databricks personal access token", "dapi", String.raw`dapi[a-f0-9]{32}(?:-\d)?`),
  named("BW-SECRET-DATADOG-API-KEY", "Datadog API or application key", "datadog", "[a-f0-9]{32}|[a-f0-9]{40}"),
  { ...prefixed("BW-SECRET-NEW-RELIC-KEY", "New Relic API key", "nrak-", "NR(?:AK|II|JS|AA)-[A-Za-z0-9]{19,32}"), keywords: ["nrak-", "nrii-", "nrjs-", "nraa-"] },
  {
    id: "BW-SECRET-SENTRY-DSN",
    title: "Sentry DSN with a secret key",
    severity: "MEDIUM",
    keywords: ["sentry", "ingest"],
    // Legacy DSNs carry a secret after the public key; modern ones (public key only) are fine.
    regex: re(String.raw`https?://[0-9a-f]{32}:(?<secret>[0-9a-f]{32})@[\w.-]+/\d+`)
  },
  prefixed("BW-SECRET-SENTRY-TOKEN", "Sentry auth token", "sntry", String.raw`sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/=_]{60,600}`),
  named("BW-SECRET-OKTA-API-TOKEN", "Okta API token", "okta", "00[A-Za-z0-9_-]{40}"),
  prefixed("BW-SECRET-ATLASSIAN-API-TOKEN", "Atlassian API token", "atatt3", "ATATT3[A-Za-z0-9_=-]{180,200}"),
  prefixed("BW-SECRET-LINEAR-API-KEY", "Linear API key", "lin_api_", "lin_api_[A-Za-z0-9]{40}"),
  {
    ...prefixed("BW-SECRET-GRAFANA-TOKEN", "Grafana service account or Cloud token", "glsa_", "glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,400}={0,2}"),
    keywords: ["glsa_", "glc_"]
  },
  prefixed("BW-SECRET-GRAFANA-API-KEY", "Grafana API key (legacy)", "eyjrijoi", "eyJrIjoi[A-Za-z0-9]{70,400}={0,2}"),
  prefixed("BW-SECRET-DROPBOX-TOKEN", "Dropbox access token", "sl.", String.raw`sl\.[A-Za-z0-9_=-]{130,160}`),
  named("BW-SECRET-ASANA-TOKEN", "Asana personal access token", "asana", String.raw`\d/\d{16}(?:/\d{16})?:[a-f0-9]{32}|0/[a-f0-9]{32}`),
  prefixed("BW-SECRET-POSTMAN-API-KEY", "Postman API key", "pmak-", "PMAK-[a-f0-9]{24}-[a-f0-9]{34}"),
  prefixed("BW-SECRET-OPENAI-API-KEY", "OpenAI API key", "sk-", "sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,200}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}", "CRITICAL"),
  prefixed("BW-SECRET-ANTHROPIC-API-KEY", "Anthropic API key", "sk-ant-", "sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA", "CRITICAL"),
  prefixed("BW-SECRET-HUGGINGFACE-TOKEN", "Hugging Face access token", "hf_", "hf_[A-Za-z]{34}|api_org_[A-Za-z]{34}"),
  prefixed("BW-SECRET-SHOPIFY-PARTNER-TOKEN", "Shopify Partner API token", "prtapi_", "prtapi_[a-f0-9]{32}")
];

// dist/src/secrets/rules/frameworks.js
var PY_VALUE = String.raw`\s*=\s*(?:[\w.]+\(\s*["']\w+["']\s*,\s*(?:default\s*=\s*)?)?[rbu]?(["'])(?<secret>[^"'\s\\]{16,200})\1`;
var DJANGO_SETTINGS = /(?:^|\/)(?:[\w-]*settings[\w-]*\.py|settings\/[\w-]+\.py)$/;
var PLACEHOLDER = /^(?:(?:django-insecure-)?(?:change|replace|insert|set|put|add|enter|generate)[-_ ]?(?:me|this|it|your)|your[-_]|my[-_]?secret|secret[-_]?key|not[-_]?(?:a[-_]?)?secret|insecure[-_]?key)/i;
var frameworkRules = [
  {
    id: "BW-SECRET-DJANGO-SECRET-KEY",
    title: "Django SECRET_KEY",
    severity: "HIGH",
    keywords: ["secret_key"],
    regex: re(String.raw`^\s*SECRET_KEY${PY_VALUE}`),
    path: /\.py$/,
    entropy: 3.5,
    allow: [PLACEHOLDER],
    // A settings module, or a file that is about Django.
    confirm: (_s, _line, ctx) => ctx.path !== null && DJANGO_SETTINGS.test(ctx.path) || /\bdjango\b|\bINSTALLED_APPS\b|\bROOT_URLCONF\b/.test(ctx.text)
  },
  {
    id: "BW-SECRET-FLASK-SECRET-KEY",
    title: "Flask secret key",
    severity: "HIGH",
    keywords: ["secret_key"],
    regex: re(String.raw`(?:\bapp\.secret_key|\bconfig\[\s*["']SECRET_KEY["']\s*\]|\bSECRET_KEY)${PY_VALUE}`),
    path: /\.py$/,
    entropy: 3.2,
    allow: [PLACEHOLDER],
    // app.secret_key and app.config["SECRET_KEY"] are Flask's own; a bare SECRET_KEY = '…' only
    // in a file that is about Flask.
    confirm: (_s, line, ctx, start) => /app\.secret_key|config\[/.test(line.slice(0, start)) || /\bflask\b/i.test(ctx.text)
  },
  {
    id: "BW-SECRET-RAILS-SECRET-KEY-BASE",
    title: "Rails secret_key_base",
    severity: "HIGH",
    keywords: ["secret_key_base"],
    // secrets.yml / credentials (`secret_key_base: …`), env (`SECRET_KEY_BASE=…`), Ruby (`=> "…"`).
    regex: re(String.raw`\bsecret_key_base["']?\s*(?::|=>|=)\s*["']?(?<secret>[A-Za-z0-9_+/=-]{30,256})(?=$|[\s"',;}])`, true),
    entropy: 3
  },
  {
    id: "BW-SECRET-LARAVEL-APP-KEY",
    title: "Laravel APP_KEY",
    severity: "HIGH",
    keywords: ["app_key"],
    // `php artisan key:generate` writes base64: and 32 random bytes; a raw 32-character key also works.
    regex: re(String.raw`\bAPP_KEY\s*=\s*["']?(?<secret>base64:[A-Za-z0-9+/]{40,88}={0,2}|[^\s"'#$]{32})(?=$|[\s"'#])`),
    entropy: 3.5
  }
];

// dist/src/secrets/rules/known-public.js
var GOOGLE_PUBLIC_API_KEYS = [
  "Syabcdefghijklmnopqrstuvwxyz1234567",
  "SyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
  "SyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM",
  "SyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
  "SyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0",
  "yDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
  "SyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c",
  "SyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
  "SyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY",
  "SyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
  "SyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ",
  "SyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
  "SyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU",
  "SyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
  "SyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE",
  "SyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY"
].map((rest) => "AIza" + rest);

// dist/src/secrets/rules/gcp.js
var gcpRules = [
  {
    // Listed before the PEM rules so the key inside a key file is reported as what it is.
    id: "BW-SECRET-GCP-SERVICE-ACCOUNT",
    title: "Google Cloud service account key file",
    severity: "CRITICAL",
    keywords: ["private_key"],
    regex: re(String.raw`"private_key"\s*:\s*"(?<secret>-----BEGIN[^"]{40,})"`),
    fileContext: /"type"\s*:\s*"service_account"/
  },
  {
    id: "BW-SECRET-GCP-API-KEY",
    title: "Google Cloud API key",
    severity: "HIGH",
    keywords: ["aiza"],
    regex: re(String.raw`\b(?<secret>AIza[0-9A-Za-z_-]{35})${END}`),
    allow: [knownValues(GOOGLE_PUBLIC_API_KEYS)]
  },
  {
    id: "BW-SECRET-GCP-OAUTH-CLIENT-SECRET",
    title: "Google OAuth client secret",
    severity: "HIGH",
    keywords: ["gocspx-"],
    regex: re(String.raw`\b(?<secret>GOCSPX-[A-Za-z0-9_-]{28})${END}`)
  }
];

// dist/src/secrets/rules/generic.js
var CODE_LINE = /[;,]\s*(?:\/\/.*)?$|&&|\|\||\?\s|->|\)\s*[;{]?\s*$|^\s*(?:const|let|var|val|def|int|char|this\.|self\.)\b/;
var VALUE = String.raw`[^\s"'\x60;,]{8,150}`;
var NOT_LITERAL = [
  /::/,
  /^(?:\.{0,2}\/|~\/)/,
  /^[\^~<>=v]*\d+(?:\.(?:\d+|x|\*)){1,3}(?:[-+][0-9A-Za-z.-]+)?$/i,
  /^(?:npm|workspace|file|link|portal|patch|catalog|git\+[a-z]+|github|gitlab|bitbucket):/i,
  /#\{|\$\{|%\{|%\(|<%|\{\{/,
  /^\$[\w{(]/
  // $VAR…, ${…}, $(…): a reference to another value
];
var QUOTES = "\"'`";
function literalValue(secret, line, ctx, start) {
  if (NOT_LITERAL.some((r) => r.test(secret)))
    return false;
  const before = start > 0 ? line[start - 1] : "";
  const after = line[start + secret.length] ?? "";
  if (QUOTES.includes(before) && before !== "")
    return after === before;
  if (/["'\x60][^"'\x60]*$/.test(line.slice(0, start)) && /=\s*["'\x60]|:\s*["'\x60]/.test(line.slice(0, start)))
    return false;
  if (ctx.path === null)
    return true;
  if (fileStyle(ctx.path) === "code")
    return false;
  return !CODE_LINE.test(line);
}
function generic(id, key, title, keywords, entropyMin) {
  return {
    id,
    title,
    severity: "MEDIUM",
    keywords,
    regex: re(assigned(key, VALUE), true),
    entropy: entropyMin,
    generic: true,
    confirm: (s, line, ctx, start) => {
      if (!(/[0-9]/.test(s) && /[A-Za-z]/.test(s) || s.length >= 20 && /[A-Z]/.test(s) && /[a-z]/.test(s)))
        return false;
      return literalValue(s, line, ctx, start);
    }
  };
}
var genericRules = [
  generic("BW-SECRET-GENERIC-PASSWORD", String.raw`passw(?:or)?d|(?<![a-z])pwd|(?<![a-z])pass(?![a-z])`, "Hard-coded password", ["pass", "pwd"], 2.8),
  generic("BW-SECRET-GENERIC-SECRET", String.raw`secret(?!s?[_-]?(?:name|ref|key[_-]?ref|manager|arn|id\b|path|file|store|mount))`, "Hard-coded secret", ["secret"], 3.2),
  generic("BW-SECRET-GENERIC-TOKEN", String.raw`token(?![_-]?(?:url|uri|endpoint|type|name|file|path|len|length|expir|ttl))`, "Hard-coded token", ["token"], 3.2),
  generic("BW-SECRET-GENERIC-API-KEY", String.raw`api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret`, "Hard-coded API key", ["api_key", "apikey", "api-key", "access_key", "accesskey", "access-key", "private_key", "client_secret"], 3.2)
];

// dist/src/secrets/rules/git.js
function github(id, prefix, title, body = "[A-Za-z0-9]{36}") {
  return {
    id,
    title,
    severity: "CRITICAL",
    keywords: [prefix],
    regex: re(String.raw`\b(?<secret>${prefix}${body})${END}`)
  };
}
function gitlab(id, prefix, title, body) {
  return { id, title, severity: "CRITICAL", keywords: [prefix.toLowerCase()], regex: re(String.raw`\b(?<secret>${prefix}${body})${END}`) };
}
var gitRules = [
  github("BW-SECRET-GITHUB-PAT", "ghp_", "GitHub personal access token (classic)"),
  github("BW-SECRET-GITHUB-FINE-GRAINED-PAT", "github_pat_", "GitHub fine-grained personal access token", "[A-Za-z0-9_]{82}"),
  github("BW-SECRET-GITHUB-OAUTH-TOKEN", "gho_", "GitHub OAuth access token"),
  github("BW-SECRET-GITHUB-USER-TO-SERVER-TOKEN", "ghu_", "GitHub App user-to-server token"),
  github("BW-SECRET-GITHUB-SERVER-TO-SERVER-TOKEN", "ghs_", "GitHub App installation (server-to-server) token"),
  github("BW-SECRET-GITHUB-REFRESH-TOKEN", "ghr_", "GitHub refresh token"),
  gitlab("BW-SECRET-GITLAB-PAT", "glpat-", "GitLab personal access token", String.raw`[A-Za-z0-9_-]{20,300}(?:\.[0-9a-z]{9})?`),
  gitlab("BW-SECRET-GITLAB-RUNNER-TOKEN", "glrt-", "GitLab runner authentication token", String.raw`(?:t\d_)?[A-Za-z0-9_-]{20,300}(?:\.[0-9a-z]{9})?`),
  gitlab("BW-SECRET-GITLAB-RUNNER-REGISTRATION-TOKEN", "GR1348941", "GitLab runner registration token", "[A-Za-z0-9_-]{20}"),
  gitlab("BW-SECRET-GITLAB-DEPLOY-TOKEN", "gldt-", "GitLab deploy token", "[A-Za-z0-9_-]{20}"),
  gitlab("BW-SECRET-GITLAB-PIPELINE-TRIGGER-TOKEN", "glptt-", "GitLab pipeline trigger token", "[0-9a-f]{40}"),
  gitlab("BW-SECRET-GITLAB-CI-JOB-TOKEN", "glcbt-", "GitLab CI/CD job token", "[0-9a-zA-Z]{1,5}_[0-9a-zA-Z_-]{20}"),
  {
    id: "BW-SECRET-BITBUCKET-APP-PASSWORD",
    title: "Bitbucket / Atlassian app password",
    severity: "HIGH",
    keywords: ["atbb"],
    regex: re(String.raw`\b(?<secret>ATBB[A-Za-z0-9_=.-]{28,})${END}`)
  },
  {
    id: "BW-SECRET-BITBUCKET-CLIENT-SECRET",
    title: "Bitbucket OAuth client secret",
    severity: "HIGH",
    keywords: ["bitbucket"],
    regex: re(assigned("bitbucket", "[a-z0-9=_-]{64}"), true),
    entropy: 3.5
  }
];

// dist/src/secrets/rules/keys.js
var BODY_LINE = /^\s*[A-Za-z0-9+/=]{40,}\s*$/;
function hasPemBody(secret, _line, ctx) {
  const inline = secret.replace(/\\[nr]/g, "").replace(/[^A-Za-z0-9+/=]/g, "");
  if (secret.trim().length > 0)
    return inline.length >= 40;
  return ctx.following(8).some((l) => BODY_LINE.test(l));
}
function pem(id, kind, title) {
  return {
    id,
    title,
    severity: "CRITICAL",
    keywords: ["-----begin"],
    // The secret is what follows the header on the same line; for a multi-line block it is
    // empty and the redaction marks where the body starts.
    regex: re(String.raw`-----BEGIN ${kind}PRIVATE KEY(?: BLOCK)?-----(?<secret>[A-Za-z0-9+/=\\\s:,.-]*)`),
    confirm: hasPemBody
  };
}
var keyRules = [
  pem("BW-SECRET-PRIVATE-KEY-RSA", "RSA ", "RSA private key"),
  pem("BW-SECRET-PRIVATE-KEY-EC", "EC ", "EC private key"),
  pem("BW-SECRET-PRIVATE-KEY-DSA", "DSA ", "DSA private key"),
  pem("BW-SECRET-PRIVATE-KEY-OPENSSH", "OPENSSH ", "OpenSSH private key"),
  pem("BW-SECRET-PRIVATE-KEY-PGP", "PGP ", "PGP private key block"),
  pem("BW-SECRET-PRIVATE-KEY-ENCRYPTED", "ENCRYPTED ", "Encrypted private key (PKCS#8)"),
  pem("BW-SECRET-PRIVATE-KEY-PKCS8", "", "Private key (PKCS#8)"),
  {
    id: "BW-SECRET-PUTTY-PRIVATE-KEY",
    title: "PuTTY private key file",
    severity: "CRITICAL",
    keywords: ["putty-user-key-file-"],
    regex: re(String.raw`^PuTTY-User-Key-File-\d:\s*\S+(?<secret>)`),
    confirm: (_s, _l, ctx) => ctx.following(30).some((l) => l.startsWith("Private-Lines:"))
  },
  {
    id: "BW-SECRET-AGE-SECRET-KEY",
    title: "age secret key",
    severity: "CRITICAL",
    keywords: ["age-secret-key-1"],
    regex: re(String.raw`\b(?<secret>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b`)
  },
  {
    id: "BW-SECRET-KUBECONFIG-CLIENT-KEY",
    title: "Client private key in a kubeconfig",
    severity: "CRITICAL",
    keywords: ["client-key-data"],
    regex: re(String.raw`client-key-data:\s*["']?(?<secret>[A-Za-z0-9+/=]{40,})`)
  }
];

// dist/src/secrets/rules/mail.js
var mailRules = [
  {
    id: "BW-SECRET-TWILIO-API-KEY",
    title: "Twilio API key",
    severity: "HIGH",
    // "sk" alone is in every other English word (task, disk); the hex digit after it is not.
    keywords: [..."0123456789abcdef"].map((c) => `sk${c}`),
    regex: re(String.raw`\b(?<secret>SK[0-9a-f]{32})\b`),
    entropy: 3
  },
  {
    id: "BW-SECRET-TWILIO-AUTH-TOKEN",
    title: "Twilio auth token",
    severity: "HIGH",
    keywords: ["twilio"],
    regex: re(assigned(String.raw`twilio[\w.-]{0,20}?(?:auth|token|secret)`, "[a-f0-9]{32}"), true),
    entropy: 3
  },
  {
    id: "BW-SECRET-SENDGRID-API-KEY",
    title: "SendGrid API key",
    severity: "HIGH",
    keywords: ["sg."],
    regex: re(String.raw`\b(?<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})${END}`)
  },
  {
    id: "BW-SECRET-MAILGUN-API-KEY",
    title: "Mailgun private API key",
    severity: "HIGH",
    keywords: ["mailgun", "key-"],
    regex: re(String.raw`\b(?<secret>key-[0-9a-f]{32})${END}`),
    // A bare "key-<hex>" is common in other contexts; ask for Mailgun nearby.
    confirm: (_s, line, ctx) => /mailgun/i.test(line) || /mailgun/i.test(ctx.text.slice(0, 65536)),
    entropy: 3
  },
  {
    id: "BW-SECRET-MAILCHIMP-API-KEY",
    title: "Mailchimp API key",
    severity: "HIGH",
    keywords: ["-us"],
    regex: re(String.raw`\b(?<secret>[0-9a-f]{32}-us\d{1,2})${END}`),
    entropy: 3
  }
];

// dist/src/secrets/rules/packages.js
function isBasicAuth(b64) {
  const decoded = Buffer.from(b64, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon > 0 && colon < decoded.length - 1 && /^[\x20-\x7e]+$/.test(decoded);
}
var packageRules = [
  {
    id: "BW-SECRET-NPM-TOKEN",
    title: "npm access token",
    severity: "CRITICAL",
    keywords: ["npm_"],
    regex: re(String.raw`\b(?<secret>npm_[A-Za-z0-9]{36})${END}`)
  },
  {
    id: "BW-SECRET-NPMRC-AUTH-TOKEN",
    title: "npm registry auth token in .npmrc",
    severity: "CRITICAL",
    keywords: ["_authtoken"],
    regex: re(String.raw`_authToken\s*=\s*["']?(?<secret>[^\s"']{8,})`),
    generic: true
  },
  {
    id: "BW-SECRET-NPMRC-BASIC-AUTH",
    title: "npm registry password in .npmrc",
    severity: "HIGH",
    keywords: ["_auth", "_password"],
    regex: re(String.raw`(?:^|:)_(?:auth|password)\s*=\s*["']?(?<secret>[A-Za-z0-9+/=]{8,})`),
    generic: true
  },
  {
    id: "BW-SECRET-PYPI-TOKEN",
    title: "PyPI upload token",
    severity: "CRITICAL",
    keywords: ["pypi-ageichlwas5vcmc", "pypi-agendgvzdc5wexbplm9yzw"],
    regex: re(String.raw`\b(?<secret>pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000})${END}`)
  },
  {
    id: "BW-SECRET-RUBYGEMS-API-KEY",
    title: "RubyGems API key",
    severity: "HIGH",
    keywords: ["rubygems_"],
    regex: re(String.raw`\b(?<secret>rubygems_[a-f0-9]{48})${END}`)
  },
  {
    id: "BW-SECRET-NUGET-API-KEY",
    title: "NuGet API key",
    severity: "HIGH",
    keywords: ["oy2"],
    regex: re(String.raw`${START}(?<secret>oy2[a-z0-9]{43})${END}`),
    entropy: 3.5
  },
  {
    id: "BW-SECRET-DOCKER-CONFIG-AUTH",
    title: "Registry credentials in a Docker config (auths)",
    severity: "HIGH",
    keywords: ['"auth"'],
    regex: re(String.raw`"auth"\s*:\s*"(?<secret>[A-Za-z0-9+/]{8,}={0,2})"`),
    confirm: (secret) => isBasicAuth(secret)
  }
];

// dist/src/secrets/rules/payments.js
var paymentRules = [
  {
    id: "BW-SECRET-STRIPE-SECRET-KEY",
    title: "Stripe secret key",
    severity: "CRITICAL",
    keywords: ["sk_live_", "sk_test_"],
    regex: re(String.raw`\b(?<secret>sk_(?:live|test)_[A-Za-z0-9]{24,99})${END}`)
  },
  {
    id: "BW-SECRET-STRIPE-RESTRICTED-KEY",
    title: "Stripe restricted key",
    severity: "HIGH",
    keywords: ["rk_live_", "rk_test_"],
    regex: re(String.raw`\b(?<secret>rk_(?:live|test)_[A-Za-z0-9]{24,99})${END}`)
  },
  {
    id: "BW-SECRET-STRIPE-WEBHOOK-SECRET",
    title: "Stripe webhook signing secret",
    severity: "MEDIUM",
    keywords: ["whsec_"],
    regex: re(String.raw`\b(?<secret>whsec_[A-Za-z0-9+/]{32,})${END}`)
  },
  {
    id: "BW-SECRET-SQUARE-ACCESS-TOKEN",
    title: "Square access token",
    severity: "HIGH",
    keywords: ["sq0atp-", "eaaa"],
    regex: re(String.raw`\b(?<secret>sq0atp-[A-Za-z0-9_-]{22}|EAAA[A-Za-z0-9_-]{60})${END}`)
  },
  {
    id: "BW-SECRET-SQUARE-OAUTH-SECRET",
    title: "Square OAuth secret",
    severity: "HIGH",
    keywords: ["sq0csp-"],
    regex: re(String.raw`\b(?<secret>sq0csp-[A-Za-z0-9_-]{43})${END}`)
  },
  {
    id: "BW-SECRET-PAYPAL-BRAINTREE-TOKEN",
    title: "PayPal Braintree access token",
    severity: "CRITICAL",
    keywords: ["access_token$"],
    regex: re(String.raw`\b(?<secret>access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32})${END}`)
  },
  {
    id: "BW-SECRET-SHOPIFY-TOKEN",
    title: "Shopify access token or shared secret",
    severity: "HIGH",
    keywords: ["shpat_", "shpca_", "shppa_", "shpss_"],
    regex: re(String.raw`\b(?<secret>shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})${END}`)
  }
];

// dist/src/secrets/rules/index.js
var secretRules = [
  ...gcpRules,
  ...keyRules,
  ...awsRules,
  ...azureRules,
  ...gitRules,
  ...chatRules,
  ...paymentRules,
  ...mailRules,
  ...packageRules,
  ...cloudRules,
  ...accessRules,
  ...frameworkRules,
  ...genericRules
];

// dist/src/secrets/scan.js
var MAX_MATCH = 200;
var MAX_FINDINGS_PER_FILE = 500;
var REDACTED = "*****";
var compiled = secretRules.map((rule) => ({
  rule,
  // "d" gives group offsets, so the redaction replaces exactly the secret.
  regex: new RegExp(rule.regex.source, rule.regex.flags.replace(/[gyd]/g, "") + "gd")
}));
var KEYWORDS = new KeywordIndex(secretRules.flatMap((r) => r.keywords));
var RULES_BY_KEYWORD = /* @__PURE__ */ new Map();
compiled.forEach(({ rule }, i) => {
  for (const k of rule.keywords)
    RULES_BY_KEYWORD.set(k, [...RULES_BY_KEYWORD.get(k) ?? [], i]);
});
function rulesFor(present) {
  const out = /* @__PURE__ */ new Set();
  for (const k of present)
    for (const i of RULES_BY_KEYWORD.get(k) ?? [])
      out.add(i);
  return [...out].sort((a, b) => a - b);
}
function scanLine(line, path, ctx, fileContext) {
  const present = KEYWORDS.present(line);
  const hits = [];
  if (present.size === 0)
    return hits;
  let libraryDoc;
  const cleared = [];
  for (const i of rulesFor(present)) {
    const { rule, regex } = compiled[i];
    if (rule.path && (path === null || !rule.path.test(path)))
      continue;
    if (rule.allowLine?.some((re2) => re2.test(line)))
      continue;
    if (rule.generic && GENERIC_LINE_ALLOW.some((re2) => re2.test(line)))
      continue;
    if (rule.generic && (libraryDoc ??= isLibraryDoc(line, path, ctx.text, ctx.offset)))
      continue;
    regex.lastIndex = 0;
    for (const m of line.matchAll(regex)) {
      const span = m.indices?.groups?.secret ?? m.indices?.[0];
      if (!span)
        continue;
      const secret = line.slice(span[0], span[1]);
      if (hits.some((h) => overlaps(h, span[0], span[1])) || cleared.some((h) => overlaps(h, span[0], span[1])))
        continue;
      if (secret.trim() !== "" && rule.allow?.some((re2) => re2.test(secret))) {
        cleared.push({ rule, start: span[0], end: span[1], secret });
        continue;
      }
      if (!accept(rule, secret, line, ctx, fileContext, span[0]))
        continue;
      hits.push({ rule, start: span[0], end: span[1], secret });
      if (m[0].length === 0)
        break;
    }
  }
  return hits;
}
function overlaps(h, start, end) {
  if (start === end || h.start === h.end)
    return start === h.start;
  return start < h.end && h.start < end;
}
function accept(rule, secret, line, ctx, fileContext, start) {
  if (secret.trim() !== "") {
    if (allowedValue(secret, rule.generic === true))
      return false;
    if (rule.entropy !== void 0 && entropy(secret) < rule.entropy)
      return false;
  }
  if (rule.fileContext && !fileContext(rule.fileContext))
    return false;
  if (rule.confirm && !rule.confirm(secret, line, ctx, start))
    return false;
  return true;
}
function redact(line, hits, focus) {
  let out = "";
  let pos = 0;
  let focusAt = 0;
  for (const h of [...hits].sort((a, b) => a.start - b.start)) {
    if (h.start < pos)
      continue;
    out += line.slice(pos, h.start);
    if (h === focus)
      focusAt = out.length;
    out += REDACTED;
    pos = h.end;
  }
  out += line.slice(pos);
  for (const h of hits)
    if (h.secret.trim().length >= 4)
      out = out.split(h.secret).join(REDACTED);
  const trimmedStart = out.length - out.trimStart().length;
  out = out.trim();
  focusAt = Math.max(0, focusAt - trimmedStart);
  if (out.length <= MAX_MATCH)
    return out;
  const from = Math.max(0, Math.min(focusAt - 80, out.length - MAX_MATCH));
  return out.slice(from, from + MAX_MATCH);
}
function toFindings(hits, line, path, lineNo) {
  return hits.map((h) => {
    const f = { ruleId: h.rule.id, severity: h.rule.severity, title: h.rule.title, path, match: redact(line, hits, h) };
    if (lineNo !== void 0)
      f.line = lineNo;
    return f;
  });
}
function pairAws(findings) {
  const ids = findings.filter((f) => f.ruleId === "BW-SECRET-AWS-ACCESS-KEY");
  const secrets = findings.filter((f) => f.ruleId === "BW-SECRET-AWS-SECRET-KEY");
  if (ids.length === 0 || secrets.length === 0)
    return;
  const where = (fs) => fs.map((f) => f.line).filter((n) => n !== void 0).join(", ");
  for (const f of ids) {
    f.severity = "CRITICAL";
    f.title = `AWS access key ID, paired with a secret access key (line ${where(secrets)})`;
  }
  for (const f of secrets)
    f.title = `AWS secret access key, paired with access key ID (line ${where(ids)})`;
}
function scanText(text, path, found) {
  const findings = [];
  const normPath = normalizePath(path);
  const contextCache = /* @__PURE__ */ new Map();
  const fileContext = (re2) => {
    let v = contextCache.get(re2);
    if (v === void 0)
      contextCache.set(re2, v = re2.test(text));
    return v;
  };
  let lineNo = 1;
  let counted = 0;
  for (let at = KEYWORDS.next(text, 0); at >= 0; ) {
    const start = text.lastIndexOf("\n", at) + 1;
    let end = text.indexOf("\n", at);
    if (end < 0)
      end = text.length;
    for (let i = text.indexOf("\n", counted); i >= 0 && i < start; i = text.indexOf("\n", i + 1))
      lineNo++;
    counted = start;
    const line = text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    const ctx = {
      text,
      offset: start,
      path: normPath,
      following(n) {
        const out = [];
        let p = end + 1;
        while (out.length < n && p <= text.length) {
          let e = text.indexOf("\n", p);
          if (e < 0)
            e = text.length;
          out.push(text.slice(p, e).replace(/\r$/, ""));
          p = e + 1;
        }
        return out;
      }
    };
    const hits = scanLine(line, normPath, ctx, fileContext);
    if (found)
      for (const h of hits)
        found.add(h.secret);
    findings.push(...toFindings(hits, line, path, lineNo));
    if (findings.length >= MAX_FINDINGS_PER_FILE)
      break;
    at = KEYWORDS.next(text, end + 1);
  }
  pairAws(findings);
  return findings;
}

// dist/src/scan/secret-analyzer.js
var NO_HEAD = Buffer.alloc(0);
var secretAnalyzer = {
  // Finds no packages; it runs on every kind of target.
  evidence: "installed",
  id: "secret/files",
  // 3: generic rules report literal values only and are quiet in library documentation;
  // framework and URL-credential rules (cached layer results of version 2 are not reused).
  version: 3,
  maxFileSize: SECRET_MAX_FILE,
  required: (path, info) => (info === void 0 || info.size > 0 && info.size <= SECRET_MAX_FILE) && isScannableText(path, NO_HEAD),
  analyze(file) {
    if (!isScannableText(file.path, file.content.subarray(0, 8192)))
      return null;
    const secrets = scanText(file.content.toString("utf8"), "/" + file.path);
    return secrets.length ? { secrets } : null;
  }
};

// dist/src/scan/worker-analyzers.js
var workerAnalyzers = new Map([...analyzers, secretAnalyzer].map((a) => [a.id, a]));

// dist/src/scan/analysis-worker.js
parentPort?.on("message", (m) => {
  const { id, task } = m;
  const a = workerAnalyzers.get(task.analyzer);
  const reply = (msg) => parentPort.postMessage({ id, ...msg });
  if (!a) {
    reply({ error: `unknown analyzer ${task.analyzer}` });
    return;
  }
  const content = task.content ? Buffer.from(task.content.buffer, task.content.byteOffset, task.content.byteLength) : Buffer.alloc(0);
  Promise.resolve().then(() => a.analyze({ path: task.path, mode: task.mode, size: task.size, content, ...task.localPath ? { localPath: task.localPath } : {} })).then((result) => reply({ result: result ?? null }), (e) => reply({ error: e?.message ?? String(e) }));
});
/*! Bundled license information:

packageurl-js/src/package-url.js:
packageurl-js/index.js:
  (*!
  Copyright (c) the purl authors
  
  Permission is hereby granted, free of charge, to any person obtaining a copy
  of this software and associated documentation files (the "Software"), to deal
  in the Software without restriction, including without limitation the rights
  to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
  copies of the Software, and to permit persons to whom the Software is
  furnished to do so, subject to the following conditions:
  
  The above copyright notice and this permission notice shall be included in all
  copies or substantial portions of the Software.
  
  THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
  IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
  FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
  AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
  LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
  OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
  SOFTWARE.
  *)
*/
