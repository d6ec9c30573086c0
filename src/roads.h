/*
 * roads.h: travel on the road network ([input] roads, [roads]); roads.c.
 */
#ifndef CM_ROADS_H
#define CM_ROADS_H

#include "internal.h"

/* The network distances of `ds`: the roads layer read into a graph in the
 * working CRS, every compound and school snapped to its nearest usable
 * road, and a shortest-path search from each school up to its farthest
 * reach (cm__reach over the levels it teaches).  *out holds every pair
 * found within that reach.  With `diag` (the dataset being loaded, == ds)
 * a road that is not a line, and a compound or school beyond snap_m of
 * every usable road, are diagnostics on it, and a note sums the network
 * up.  A missing file, layer, CRS or class field fails with CM_EINPUT. */
int cm__roads_pairs(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds, cm_dataset *diag,
                    cm__pairs **out);

#endif
