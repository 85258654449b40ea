/* eval_html_parts.c - what every section of the HTML report is made
 * with: text escaped for HTML and XML, and the viridis colour scale. The
 * page's driver (eval_html.c) and its sections (eval_html_*.c,
 * eval_board.c, eval_drift.c) call these; these call nothing of the
 * report, so the sections never depend on the driver. */
#include "ml/eval.h"

#include <math.h>

void churn__html_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

void churn__viridis(double v, int rgb[3])
{
    static const int stops[9][3] = {
        {68, 1, 84},    {71, 45, 123},  {59, 82, 139},
        {44, 114, 142}, {33, 145, 140}, {40, 174, 128},
        {94, 201, 98},  {173, 220, 48}, {253, 231, 37}};
    double x = (v < 0 ? 0 : v > 1 ? 1 : v) * 8;
    int i = x >= 8 ? 7 : (int)x;
    double t = x - i;
    for (int c = 0; c < 3; c++)
        rgb[c] = (int)lround(stops[i][c] + t * (stops[i + 1][c] -
                                                stops[i][c]));
}
