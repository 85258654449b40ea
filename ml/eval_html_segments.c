/* eval_html_segments.c - the segment section of the HTML report:
 * customers and churn rate per level of each group the caller tallied
 * (features/segment_eval.c: RFM segment, lifecycle stage, health tier,
 * with their headings and the words about them) as bar charts, the retention KPIs, and the monthly cohort retention
 * table as a heat map; a table under each chart says the same in text. */
#include "ml/eval.h"

#include <math.h>
#include <string.h>

/* Bar chart geometry (SVG user units): level names right-aligned before
 * LABEL_W, then the customers panel and the churn-rate panel, each with
 * room after the longest bar for its value. */
#define BAR_SVG_W 440
#define LABEL_W 112
#define COUNT_X 118
#define COUNT_W 112
#define RATE_X 276
#define RATE_W 112
#define ROW_H 22
#define BAR_TOP 58

/* Heat map geometry: cohort and size columns, then one cell per month;
 * the colour scale's legend below them starts at LEGEND_X. */
#define CELL_X 150
#define LEGEND_X 40
#define CELL_W 48
#define CELL_H 24
#define HEAT_TOP 64

static const char *const COLOR_COUNT = "#1f5fa8";
static const char *const COLOR_RATE = "#d9661f";
static const char *const COLOR_EMPTY = "#eeeeee";

/* The group's heading: the name its maker gave, else the column's. */
static const char *group_title(const churn__eval_group *g)
{
    return g->title ? g->title : g->column;
}

static double rate(double churned, double labelled)
{
    return labelled > 0 ? churned / labelled : NAN;
}

/* Churned / labelled over all levels of g: every customer is in one. */
static double overall_rate(const churn__eval_group *g)
{
    double churned = 0, labelled = 0;
    for (size_t k = 0; k < g->n; k++) {
        churned += g->churned[k];
        labelled += g->labelled[k];
    }
    return rate(churned, labelled);
}

/* "champions: 120 customers, churn rate 4.2%; ..." as the chart's <desc>,
 * for screen readers. */
static void bar_desc(FILE *f, const churn__eval_group *g)
{
    fputs("<desc>", f);
    for (size_t k = 0; k < g->n; k++) {
        double r = rate(g->churned[k], g->labelled[k]);
        churn__html_text(f, g->level[k]);
        fprintf(f, ": %.0f customers", g->customers[k]);
        if (!isnan(r))
            fprintf(f, ", churn rate %.1f%%", 100 * r);
        fputs(k + 1 < g->n ? "; " : ".", f);
    }
    fputs("</desc>\n", f);
}

/* One horizontal bar with its value written after it (on a white halo,
 * so that the dashed reference line does not cross it). */
static void bar(FILE *f, double x, double y, double w, const char *color,
                const char *value)
{
    fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"14\" "
            "fill=\"%s\"/><text x=\"%.2f\" y=\"%.2f\" stroke=\"#fff\" "
            "stroke-width=\"3\" paint-order=\"stroke\">%s</text>\n", x, y,
            w, color, x + w + 4, y + 11, value);
}

/* Customers (left) and churn rate (right) per level of g. The rate axis
 * runs to the next 10% above the highest rate; a dashed line marks the
 * rate over all customers. */
static void bar_chart(FILE *f, const churn__eval_group *g)
{
    double top_count = 1, top_rate = 0, all = overall_rate(g);
    for (size_t k = 0; k < g->n; k++) {
        double r = rate(g->churned[k], g->labelled[k]);
        top_count = g->customers[k] > top_count ? g->customers[k] : top_count;
        top_rate = r > top_rate ? r : top_rate;
    }
    double rate_max = ceil(top_rate * 10 - 1e-9) / 10;
    rate_max = rate_max < 0.1 ? 0.1 : rate_max;
    int height = BAR_TOP + (int)g->n * ROW_H + 34;
    const char *title = group_title(g);
    fprintf(f, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
            "font-family=\"sans-serif\" font-size=\"12\">\n<title>"
            "Customers and churn rate by ", BAR_SVG_W, height, BAR_SVG_W,
            height);
    churn__html_text(f, title);
    fputs("</title>\n", f);
    bar_desc(f, g);
    fputs("<text x=\"8\" y=\"20\" font-size=\"15\" font-weight=\"bold\">"
          "Customers and churn rate by ", f);
    churn__html_text(f, title);
    fprintf(f, "</text>\n<text x=\"%d\" y=\"%d\" font-weight=\"bold\">"
            "customers</text><text x=\"%d\" y=\"%d\" font-weight=\"bold\">"
            "churn rate</text>\n", COUNT_X, BAR_TOP - 10, RATE_X,
            BAR_TOP - 10);
    int bottom = BAR_TOP + (int)g->n * ROW_H;
    if (!isnan(all)) /* under the bars */
        fprintf(f, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" "
                "stroke=\"#333\" stroke-dasharray=\"4 3\"/><text x=\"%d\" "
                "y=\"%d\">dashed line: churn rate of all customers, "
                "%.1f%%</text>\n", RATE_X + RATE_W * all / rate_max,
                BAR_TOP - 4, RATE_X + RATE_W * all / rate_max, bottom + 4,
                COUNT_X, bottom + 22, 100 * all);
    for (size_t k = 0; k < g->n; k++) {
        double y = BAR_TOP + (double)k * ROW_H + 4;
        double r = rate(g->churned[k], g->labelled[k]);
        char value[32];
        fprintf(f, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"end\">",
                LABEL_W, y + 11);
        churn__html_text(f, g->level[k]);
        fputs("</text>\n", f);
        snprintf(value, sizeof value, "%.0f", g->customers[k]);
        bar(f, COUNT_X, y, COUNT_W * g->customers[k] / top_count,
            COLOR_COUNT, value);
        if (isnan(r))
            fprintf(f, "<text x=\"%d\" y=\"%.2f\">no labels</text>\n",
                    RATE_X, y + 11);
        else {
            snprintf(value, sizeof value, "%.1f%%", 100 * r);
            bar(f, RATE_X, y, RATE_W * r / rate_max, COLOR_RATE, value);
        }
    }
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
            "stroke=\"#333\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
            "stroke=\"#333\"/>\n", COUNT_X, BAR_TOP, COUNT_X, bottom,
            RATE_X, BAR_TOP, RATE_X, bottom);
    fputs("</svg><figcaption>Bar lengths: customers on a scale up to the "
          "largest group; churn rate on a scale up to ", f);
    fprintf(f, "%.0f%%.</figcaption></figure>\n", 100 * rate_max);
}

/* Customers in a group: the rows with a level in its column. */
static double group_total(const churn__eval_group *g)
{
    double total = 0;
    for (size_t k = 0; k < g->n; k++)
        total += g->customers[k];
    return total;
}

/* The same figures as a table: level, customers, share (of the group's
 * customers), labelled, churned, churn rate. */
static void group_table(FILE *f, const churn__eval_group *g)
{
    double total = group_total(g);
    fputs("<table><tr><th class=\"k\">", f);
    churn__html_text(f, group_title(g));
    fputs("</th><th>customers</th><th>share</th><th>labelled</th>"
          "<th>churned</th><th>churn rate</th></tr>\n", f);
    for (size_t k = 0; k < g->n; k++) {
        double r = rate(g->churned[k], g->labelled[k]);
        fputs("<tr><td class=\"k\">", f);
        churn__html_text(f, g->level[k]);
        fprintf(f, "</td><td>%.0f</td><td>%.1f%%</td><td>%.0f</td>"
                "<td>%.0f</td>", g->customers[k],
                100 * g->customers[k] / total, g->labelled[k],
                g->churned[k]);
        if (isnan(r))
            fputs("<td>&#8211;</td></tr>\n", f);
        else
            fprintf(f, "<td>%.1f%%</td></tr>\n", 100 * r);
    }
    fputs("</table>\n", f);
}

/* Where the churn rates come from, in one sentence. */
static void label_source(FILE *f, const churn__eval_segments *s)
{
    if (s->labels == CHURN__SEG_EVALUATED)
        fprintf(f, "Churn rates use the labels of the evaluated rows, "
                "matched to the segmented customers by customer id: %zu of "
                "%zu customers have an evaluated row.", s->matched,
                s->customers);
    else if (s->labels == CHURN__SEG_HISTORY)
        fputs("Churn rates use the labels of the segmented history itself: "
              "churned within the label horizon after the as-of date.", f);
    else
        fputs("No labels were given: customers only.", f);
}

static void segments_part(FILE *f, const churn__eval_segments *s)
{
    fprintf(f, "<h2>Segments</h2>\n<p>%zu customers at the as-of date",
            s->customers);
    if (s->groups_text) {
        fputs(", by ", f);
        churn__html_text(f, s->groups_text);
    }
    fputs(". ", f);
    /* Rows outside group 0: the caller says who they are. */
    double outside = s->n_groups > 0 ? (double)s->customers -
                                           group_total(&s->group[0])
                                     : 0;
    if (outside > 0) {
        fprintf(f, "%.0f of them ", outside);
        churn__html_text(f, s->outside_text ? s->outside_text
                                            : "are in no group of the first "
                                              "kind");
        fputs(". ", f);
    }
    label_source(f, s);
    fputs("</p>\n<div class=\"charts\">\n", f);
    for (size_t g = 0; g < s->n_groups; g++)
        bar_chart(f, &s->group[g]);
    fputs("</div>\n<div class=\"charts\">\n", f);
    for (size_t g = 0; g < s->n_groups; g++)
        group_table(f, &s->group[g]);
    fputs("</div>\n", f);
}

/* Black or white, whichever contrasts more with rgb (WCAG relative
 * luminance: black wins above about 0.18). */
static const char *ink(const int rgb[3])
{
    double lum = 0;
    static const double weight[3] = {0.2126, 0.7152, 0.0722};
    for (int c = 0; c < 3; c++) {
        double s = rgb[c] / 255.0;
        lum += weight[c] * (s <= 0.03928 ? s / 12.92
                                         : pow((s + 0.055) / 1.055, 2.4));
    }
    return (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) ? "#000" : "#fff";
}

/* One heat-map cell at (x, y): the share in its colour and as text. */
static void heat_cell(FILE *f, double x, double y, double v)
{
    int rgb[3];
    if (isnan(v)) {
        fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%d\" height=\"%d\" "
                "fill=\"%s\" stroke=\"#fff\"/>\n", x, y, CELL_W, CELL_H,
                COLOR_EMPTY);
        return;
    }
    churn__viridis(v, rgb);
    fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%d\" height=\"%d\" "
            "fill=\"#%02x%02x%02x\" stroke=\"#fff\"/><text x=\"%.0f\" "
            "y=\"%.0f\" text-anchor=\"middle\" fill=\"%s\">%.0f%%</text>\n",
            x, y, CELL_W, CELL_H, rgb[0], rgb[1], rgb[2], x + CELL_W / 2.0,
            y + 16, ink(rgb), 100 * v);
}

/* The colour scale under the heat map: 0% to 100% in steps of 10%, and
 * the grey of cells the period does not reach. */
static void heat_legend(FILE *f, int y)
{
    for (int s = 0; s <= 10; s++) {
        int rgb[3];
        churn__viridis(s / 10.0, rgb);
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"24\" height=\"12\" "
                "fill=\"#%02x%02x%02x\"/>\n", LEGEND_X + 24 * s, y, rgb[0],
                rgb[1], rgb[2]);
    }
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0%%</text>"
            "<text x=\"%d\" y=\"%d\">100%%</text>\n<rect x=\"%d\" y=\"%d\" "
            "width=\"12\" height=\"12\" fill=\"%s\" stroke=\"#999\"/>"
            "<text x=\"%d\" y=\"%d\">after the period</text>\n",
            LEGEND_X - 4, y + 10, LEGEND_X + 24 * 11 + 4, y + 10,
            LEGEND_X + 24 * 11 + 44, y, COLOR_EMPTY, LEGEND_X + 24 * 11 + 60,
            y + 10);
}

static void heat_map(FILE *f, const churn__eval_cohorts *c)
{
    int width = CELL_X + (int)c->n_months * CELL_W + 16;
    width = width < BAR_SVG_W ? BAR_SVG_W : width;
    int height = HEAT_TOP + (int)c->n_cohorts * CELL_H + 50;
    fprintf(f, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
            "font-family=\"sans-serif\" font-size=\"12\">\n<title>Cohort "
            "retention</title>\n<desc>Rows: signup month; columns: months "
            "since signup; the table below gives every cell.</desc>\n"
            "<text x=\"8\" y=\"20\" font-size=\"15\" font-weight=\"bold\">"
            "Cohort retention</text>\n<text x=\"%d\" y=\"40\">months since "
            "the signup month</text>\n<text x=\"8\" y=\"%d\" "
            "font-weight=\"bold\">signup month</text><text x=\"%d\" "
            "y=\"%d\" text-anchor=\"end\" font-weight=\"bold\">size</text>\n",
            width, height, width, height, CELL_X, HEAT_TOP - 8, CELL_X - 8,
            HEAT_TOP - 8);
    for (size_t m = 1; m <= c->n_months; m++)
        fprintf(f, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">%zu"
                "</text>", CELL_X + CELL_W * (m - 0.5), HEAT_TOP - 8, m);
    fputc('\n', f);
    for (size_t i = 0; i < c->n_cohorts; i++) {
        double y = HEAT_TOP + (double)i * CELL_H;
        fprintf(f, "<text x=\"8\" y=\"%.0f\">", y + 16);
        churn__html_text(f, c->cohort[i]);
        fprintf(f, "</text><text x=\"%d\" y=\"%.0f\" text-anchor=\"end\">"
                "%zu</text>\n", CELL_X - 8, y + 16, c->size[i]);
        for (size_t m = 1; m <= c->n_months; m++)
            heat_cell(f, CELL_X + CELL_W * (double)(m - 1), y,
                      c->retention[i * c->n_months + m - 1]);
    }
    heat_legend(f, HEAT_TOP + (int)c->n_cohorts * CELL_H + 20);
    fputs("</svg><figcaption>Cell m: the share of the cohort still a "
          "customer on the first day of the m-th month after its signup "
          "month; grey cells lie after the end of the period.</figcaption>"
          "</figure>\n", f);
}

/* A figure of the KPI table; rates as percentages, dashes for NaN. */
static void kpi_row(FILE *f, const char *label, double v, int percent)
{
    fprintf(f, "<tr><td class=\"k\">%s</td>", label);
    if (isnan(v))
        fputs("<td>&#8211;</td></tr>\n", f);
    else if (percent)
        fprintf(f, "<td>%.1f%%</td></tr>\n", 100 * v);
    else
        fprintf(f, "<td>%.2f</td></tr>\n", v);
}

static void cohort_part(FILE *f, const churn__eval_cohorts *c)
{
    char from[16], to[16];
    const double *k = c->kpi; /* in churn__eval_kpi_names order */
    churn_format_date(k[0], from, sizeof from);
    churn_format_date(k[1], to, sizeof to);
    fprintf(f, "<h2>Retention KPIs, %s to %s</h2>\n<p>Customers at the "
            "start and end of the period [%s, %s); retention rate = "
            "(customers at end &#8722; new) / customers at start.</p>\n"
            "<table><tr><th class=\"k\">figure</th><th>value</th></tr>\n"
            "<tr><td class=\"k\">customers at start</td><td>%.0f</td></tr>\n"
            "<tr><td class=\"k\">customers at end</td><td>%.0f</td></tr>\n"
            "<tr><td class=\"k\">new</td><td>%.0f</td></tr>\n"
            "<tr><td class=\"k\">retained</td><td>%.0f</td></tr>\n", from,
            to, from, to, k[2], k[3], k[4], k[5]);
    kpi_row(f, "retention rate", k[6], 1);
    kpi_row(f, "churn rate", k[7], 1);
    kpi_row(f, "revenue before the period", k[8], 0);
    kpi_row(f, "revenue in the period", k[9], 0);
    kpi_row(f, "revenue retention", k[10], 1);
    fputs("</table>\n<div class=\"charts\">\n", f);
    heat_map(f, c);
    fputs("</div>\n<table><tr><th class=\"k\">signup month</th>"
          "<th>size</th>", f);
    for (size_t m = 1; m <= c->n_months; m++)
        fprintf(f, "<th>month %zu</th>", m);
    fputs("</tr>\n", f);
    for (size_t i = 0; i < c->n_cohorts; i++) {
        fputs("<tr><td class=\"k\">", f);
        churn__html_text(f, c->cohort[i]);
        fprintf(f, "</td><td>%zu</td>", c->size[i]);
        for (size_t m = 1; m <= c->n_months; m++) {
            double v = c->retention[i * c->n_months + m - 1];
            if (isnan(v))
                fputs("<td></td>", f);
            else
                fprintf(f, "<td>%.1f%%</td>", 100 * v);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

void churn__eval_html_segments(FILE *f, const churn_eval *e)
{
    if (e->segments)
        segments_part(f, e->segments);
    if (e->cohorts)
        cohort_part(f, e->cohorts);
}
