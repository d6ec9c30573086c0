/* test_coords.c: GCJ-02 and BD-09 against published reference points.
 *
 * References (public test vectors of two independent open implementations):
 *  - eviltransform's tests: WGS 84 / GCJ-02 pairs in Shanghai, Shenzhen and
 *    Beijing;
 *  - coordtransform's README: all conversions of (116.404, 39.915).
 * The forward transforms must match to 1e-9 degrees (sub-millimetre); the
 * inverses are iterative here, so they must round-trip to 1e-8 degrees and
 * match the published inverses to within their own (one-step) error. */
#include "../src/internal.h"

#include <criterion/criterion.h>
#include <math.h>

typedef struct { double wlat, wlon, glat, glon; } pair;

static const pair evil[] = {
	{31.1774276, 121.5272106, 31.17530398364597, 121.531541859215},   /* Shanghai */
	{22.543847, 113.912316, 22.540796131694766, 113.9171764808363},    /* Shenzhen */
	{39.911954, 116.377817, 39.91334545536069, 116.38404722455657},    /* Beijing */
};

Test(coords, wgs84_to_gcj02_reference)
{
	for (size_t i = 0; i < sizeof evil / sizeof *evil; i++) {
		double lon, lat;
		cm__wgs84_to_gcj02(evil[i].wlon, evil[i].wlat, &lon, &lat);
		cr_assert_float_eq(lon, evil[i].glon, 1e-9, "point %zu lon %.12f", i, lon);
		cr_assert_float_eq(lat, evil[i].glat, 1e-9, "point %zu lat %.12f", i, lat);
	}
	double lon, lat;
	cm__wgs84_to_gcj02(116.404, 39.915, &lon, &lat);
	cr_assert_float_eq(lon, 116.41024449916938, 1e-9);
	cr_assert_float_eq(lat, 39.91640428150164, 1e-9);
}

Test(coords, gcj02_to_wgs84_inverts_exactly)
{
	for (size_t i = 0; i < sizeof evil / sizeof *evil; i++) {
		double lon, lat;
		cm__gcj02_to_wgs84(evil[i].glon, evil[i].glat, &lon, &lat);
		/* 1e-8 degrees is about a millimetre. */
		cr_assert_float_eq(lon, evil[i].wlon, 1e-8, "point %zu lon %.12f", i, lon);
		cr_assert_float_eq(lat, evil[i].wlat, 1e-8, "point %zu lat %.12f", i, lat);
	}
}

Test(coords, gcj02_to_wgs84_close_to_published_one_step_inverse)
{
	/* coordtransform's inverse is a single correction step, good to a few
	 * metres; ours must land within that of it. */
	double lon, lat;
	cm__gcj02_to_wgs84(116.404, 39.915, &lon, &lat);
	cr_assert_float_eq(lon, 116.39775550083061, 5e-5);
	cr_assert_float_eq(lat, 39.91359571849836, 5e-5);
}

Test(coords, bd09_reference)
{
	double lon, lat;
	cm__bd09_to_gcj02(116.404, 39.915, &lon, &lat);
	cr_assert_float_eq(lon, 116.39762729119315, 1e-9);
	cr_assert_float_eq(lat, 39.90865673957631, 1e-9);
	cm__gcj02_to_bd09(116.404, 39.915, &lon, &lat);
	cr_assert_float_eq(lon, 116.41036949371029, 1e-9);
	cr_assert_float_eq(lat, 39.92133699351021, 1e-9);
	/* BD-09 to WGS 84 and back is the identity to 2e-6 degrees (0.2 m):
	 * the published BD-09 inverse, used here as everywhere, is itself an
	 * approximation good to about 1e-6 degrees.
	 * eviltransform's BD-09 vectors are not used: they come from Baidu's own
	 * service and differ from the published formula by about 10 m. */
	double wlon, wlat, glon, glat, blon, blat;
	cm__bd09_to_wgs84(120.019809, 29.199786, &wlon, &wlat);
	cm__wgs84_to_gcj02(wlon, wlat, &glon, &glat);
	cm__gcj02_to_bd09(glon, glat, &blon, &blat);
	cr_assert_float_eq(blon, 120.019809, 2e-6);
	cr_assert_float_eq(blat, 29.199786, 2e-6);
}

Test(coords, offset_is_a_few_hundred_metres_in_china)
{
	double lon, lat;
	cm__wgs84_to_gcj02(113.05, 24.78, &lon, &lat);
	double dx = (lon - 113.05) * 111320 * cos(24.78 * 3.14159265358979 / 180), dy = (lat - 24.78) * 110574;
	double d = hypot(dx, dy);
	cr_assert(d > 100 && d < 1000, "offset %.1f m", d);
}

Test(coords, no_offset_outside_china)
{
	double lon, lat;
	cm__wgs84_to_gcj02(135.7, 34.7, &lon, &lat);   /* still inside the crude box: offset */
	cr_assert(lon != 135.7);
	cm__wgs84_to_gcj02(-0.1276, 51.5072, &lon, &lat); /* London */
	cr_assert_eq(lon, -0.1276);
	cr_assert_eq(lat, 51.5072);
	cm__gcj02_to_wgs84(2.35, 48.85, &lon, &lat);
	cr_assert_eq(lon, 2.35);
	cr_assert_eq(lat, 48.85);
}
