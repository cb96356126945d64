/** Environment variables a run passes to its script hosts (host-pool.ts → host-main.ts). */

/** The IP variants a host warms up for (comma list; one warm-up per wire family). */
export const WARM_VARIANTS_ENV = "MPD_WARM_VARIANTS";
