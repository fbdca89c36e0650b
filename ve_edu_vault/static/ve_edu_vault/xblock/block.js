/*
 * The vault assessment XBlock's learner view: mounts the take page's script (take.js) on the block.
 *
 * TLDR: XBlock JS runtime v1 calls VaultAssessmentBlock(runtime, element, args) for each block of
 * the unit; args carries the take configuration, the translated strings and the block's id prefix.
 */
function VaultAssessmentBlock(runtime, element, args) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  window.VaultTake.mount(root, args.config, args.strings, args.prefix);
}
