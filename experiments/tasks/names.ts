// The names the writer gives and the site reads back: mask ids, table columns,
// evaluation-set labels, prefixes, the paper's order of experiments. Free of
// TensorFlow.js, so the site imports them instead of restating them.

/** The paper's order of its experiments; the site lists others after these, alphabetically. */
export const PAPER_ORDER = ['add-mul', 'double-add', 'permuted-mnist', 'scan', 'math', 'cifar10'] as const;

/** Stage 0 of every experiment: the mask trained on the whole task. */
export const CONTROL_MASK = 'control';

/** The accuracy-table column of the network without a mask. */
export const UNMASKED_COLUMN = 'unmasked';

/** A curve's accuracy subject under the inverted mask: "¬mask on <eval set>" (the MLP curves). */
export const INVERTED_PREFIX = '¬mask on ';

/** CIFAR-10: the overall accuracy's eval set (per-class rows use the class name), and the removal masks' prefix. */
export const CIFAR_ALL_IMAGES = 'all classes';
export const CIFAR_WITHOUT = 'without-';

/** Double addition: the pair masks, and the variant whose pair 1 runs through pair 2's weights. */
export const PAIR_MASKS = ['pair1', 'pair2'] as const;
export const COPY_WEIGHT_VARIANT = 'copy-weight';
