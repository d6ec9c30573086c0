/*
 * distance.c: how far a pupil travels.  Today the straight line in the
 * metric working CRS; road-network distances will plug in here, behind the
 * same call, so the model builder never knows which it got.
 */
#include "internal.h"

#include <math.h>

double cm__distance(double x1, double y1, double x2, double y2)
{
	/* not hypot(): metres in a projected CRS neither overflow nor
	 * underflow, and this runs for every compound-school pair */
	double dx = x2 - x1, dy = y2 - y1;
	return sqrt(dx * dx + dy * dy);
}

double cm__reach(const cm_config *cfg, const cm_school *s, cm_level level)
{
	double r = s->boarding ? cfg->policy.max_distance_boarding_m : cfg->policy.max_distance_m[level];
	return r > 0 ? r : HUGE_VAL;
}
