/* eval_html_survival.c - the survival section of the HTML report: the
 * C-index, per horizon the time-dependent AUC, the IPCW Brier score and
 * calibration against Kaplan-Meier, and Kaplan-Meier curves per risk
 * tier as inline SVG step curves; a table says the same as each chart. */
#include "ml/eval.h"
#include "ml/survival_eval.h"

#include <math.h>
#include <string.h>

/* Chart geometry (SVG user units), as the report's other charts. */
#define CHART_W 440
#define CHART_H 330
#define PLOT_X 62
#define PLOT_Y 34
#define PLOT_W 350
#define PLOT_H 240

static const char *const COLOR_REF = "#888888";

typedef struct frame {
    FILE *f;
    double x_max, y_min, y_max;
} frame;

static double fx(const frame *c, double x)
{
    return PLOT_X + PLOT_W * x / c->x_max;
}
static double fy(const frame *c, double y)
{
    return PLOT_Y + PLOT_H - PLOT_H * (y - c->y_min) / (c->y_max - c->y_min);
}

/* A round tick step giving about five ticks up to x: 1, 2 or 5 x 10^k. */
static double nice_step(double x)
{
    double p = pow(10, floor(log10(x / 5))), m = x / 5 / p;
    return p * (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10);
}

static void colour(size_t i, size_t n, char hex[8])
{
    int rgb[3];
    /* Up to 0.8 of the scale: its last yellows vanish on white. */
    churn__viridis(n > 1 ? 0.8 * (double)i / (double)(n - 1) : 0, rgb);
    snprintf(hex, 8, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

static void frame_open(frame *c, FILE *f, const char *title,
                       const char *x_label, const char *y_label,
                       double tick_x, double tick_y)
{
    c->f = f;
    fprintf(f, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
            "font-family=\"sans-serif\" font-size=\"12\">\n<title>", CHART_W,
            CHART_H, CHART_W, CHART_H);
    churn__html_text(f, title);
    fprintf(f, "</title>\n<text x=\"%d\" y=\"20\" font-size=\"15\" "
            "font-weight=\"bold\">", PLOT_X);
    churn__html_text(f, title);
    fputs("</text>\n", f);
    for (double x = 0; x <= c->x_max * (1 + 1e-9); x += tick_x)
        fprintf(f, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" "
                "stroke=\"#e4e4e4\"/><text x=\"%.2f\" y=\"%d\" "
                "text-anchor=\"middle\">%g</text>\n", fx(c, x), PLOT_Y,
                fx(c, x), PLOT_Y + PLOT_H, fx(c, x), PLOT_Y + PLOT_H + 16,
                round(x * 100) / 100);
    for (double y = c->y_min; y <= c->y_max + 1e-9; y += tick_y)
        fprintf(f, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" "
                "stroke=\"#e4e4e4\"/><text x=\"%d\" y=\"%.2f\" "
                "text-anchor=\"end\">%g</text>\n", PLOT_X, fy(c, y),
                PLOT_X + PLOT_W, fy(c, y), PLOT_X - 6, fy(c, y) + 4,
                round(y * 100) / 100);
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
            "fill=\"none\" stroke=\"#333\"/>\n<text x=\"%d\" y=\"%d\" "
            "text-anchor=\"middle\">", PLOT_X, PLOT_Y, PLOT_W, PLOT_H,
            PLOT_X + PLOT_W / 2, PLOT_Y + PLOT_H + 36);
    churn__html_text(f, x_label);
    fprintf(f, "</text>\n<text transform=\"translate(16 %d) rotate(-90)\" "
            "text-anchor=\"middle\">", PLOT_Y + PLOT_H / 2);
    churn__html_text(f, y_label);
    fputs("</text>\n", f);
}

/* Legend entry k in the plot's left corner: stacked up from the bottom
 * (where Kaplan-Meier curves, starting at 1, seldom go), or down from the
 * top (above a calibration diagonal, where good models seldom go). */
static void key(const frame *c, int top, size_t k, const char *hex,
                int dashed, const char *text)
{
    double x = PLOT_X + 6;
    double y = top ? PLOT_Y + 20 + 18 * (double)k
                   : PLOT_Y + PLOT_H - 10 - 18 * (double)k;
    fprintf(c->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"150\" height=\"18\" "
            "fill=\"white\" fill-opacity=\"0.85\"/><line x1=\"%.1f\" "
            "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
            "stroke-width=\"2.5\"%s/><text x=\"%.1f\" y=\"%.1f\">", x,
            y - 12, x + 4, y - 3, x + 26, y - 3, hex,
            dashed ? " stroke-dasharray=\"5 4\"" : "", x + 32, y + 1);
    churn__html_text(c->f, text);
    fputs("</text>\n", c->f);
}

static void frame_close(const frame *c, const char *caption)
{
    fputs("</svg><figcaption>", c->f);
    churn__html_text(c->f, caption);
    fputs("</figcaption></figure>\n", c->f);
}

/* A Kaplan-Meier step curve from (0, 1) to the curve's last time. */
static void step_curve(const frame *c, const churn__steps *k,
                       const char *hex)
{
    fprintf(c->f, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
            "d=\"M%.2f,%.2f", hex, fx(c, 0), fy(c, 1));
    for (size_t i = 0; i < k->n; i++)
        fprintf(c->f, " H%.2f V%.2f", fx(c, k->time[i]),
                fy(c, k->value[i]));
    fprintf(c->f, " H%.2f\"/>\n", fx(c, k->end));
}

static void km_chart(FILE *f, const churn_survival_eval *s)
{
    frame c = {0};
    double x_max = s->km.end, low = 1;
    for (size_t j = 0; j < s->k; j++)
        x_max = fmax(x_max, s->h[j].horizon);
    size_t n_curves = s->n_tiers ? s->n_tiers : 1;
    for (size_t t = 0; t < n_curves; t++) {
        const churn__steps *k = s->n_tiers ? &s->tier[t].km : &s->km;
        low = fmin(low, k->n ? k->value[k->n - 1] : 1);
    }
    double tick_x = nice_step(x_max > 0 ? x_max : 1);
    c.x_max = ceil((x_max > 0 ? x_max : 1) / tick_x) * tick_x;
    /* Down to just below the lowest curve, on a multiple of the ticks. */
    double tick_y = low < 0.5 ? 0.2 : 0.1;
    c.y_min = fmin(0.9, floor(low / tick_y) * tick_y);
    c.y_max = 1;
    frame_open(&c, f, "Kaplan-Meier by risk tier", "days", "share still "
               "a customer", tick_x, tick_y);
    for (size_t j = 0; j < s->k; j++)
        fprintf(f, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" "
                "stroke=\"%s\" stroke-dasharray=\"5 4\"/>\n",
                fx(&c, s->h[j].horizon), PLOT_Y, fx(&c, s->h[j].horizon),
                PLOT_Y + PLOT_H, COLOR_REF);
    for (size_t t = 0; t < n_curves; t++) {
        char hex[8];
        colour(t, n_curves, hex);
        step_curve(&c, s->n_tiers ? &s->tier[t].km : &s->km, hex);
    }
    for (size_t t = 0; t < n_curves; t++) {
        char hex[8], text[96];
        colour(t, n_curves, hex);
        snprintf(text, sizeof text, "%.60s (%zu)",
                 s->n_tiers ? s->tier[t].name : "everyone",
                 s->n_tiers ? s->tier[t].rows : s->n);
        key(&c, 0, n_curves - 1 - t, hex, 0, text);
    }
    frame_close(&c, "Share of each tier's customers who have not churned "
                "after t days (Kaplan-Meier; dashed lines: the horizons).");
}

/* Mean P(churn within h) against 1 - Kaplan-Meier S(h), per group of
 * equal size, one line per horizon. */
static void calibration_chart(FILE *f, const churn_survival_eval *s)
{
    frame c = {0};
    double top = 0.1;
    for (size_t j = 0; j < s->k; j++)
        for (size_t g = 0; g < CHURN__SURV_GROUPS; g++)
            if (s->h[j].cal_rows[g])
                top = fmax(top, fmax(s->h[j].cal_mean[g],
                                     s->h[j].cal_observed[g]));
    c.x_max = c.y_max = fmin(1, ceil(top * 10) / 10);
    c.y_min = 0;
    frame_open(&c, f, "Calibration against Kaplan-Meier", "mean predicted "
               "P(churn within h)", "1 - Kaplan-Meier S(h)",
               nice_step(c.x_max), nice_step(c.y_max));
    fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
            "stroke=\"%s\" stroke-dasharray=\"5 4\"/>\n", fx(&c, 0),
            fy(&c, 0), fx(&c, c.x_max), fy(&c, c.y_max), COLOR_REF);
    for (size_t j = 0; j < s->k; j++) {
        char hex[8], text[64];
        colour(j, s->k, hex);
        fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" "
                "stroke-width=\"2\" points=\"", hex);
        for (size_t g = 0; g < CHURN__SURV_GROUPS; g++)
            if (s->h[j].cal_rows[g] && isfinite(s->h[j].cal_observed[g]))
                fprintf(f, " %.2f,%.2f", fx(&c, s->h[j].cal_mean[g]),
                        fy(&c, s->h[j].cal_observed[g]));
        fputs("\"/>\n", f);
        snprintf(text, sizeof text, "h = %g days", s->h[j].horizon);
        key(&c, 1, j, hex, 0, text);
    }
    frame_close(&c, "One point per tenth of the customers by predicted "
                "P(churn within h); the dashed diagonal is perfect.");
}

static void cell(FILE *f, double x, int decimals)
{
    char num[CHURN__NUM_BUF];
    if (!isfinite(x))
        fputs("<td>&#8211;</td>", f);
    else
        fprintf(f, "<td>%s</td>",
                churn_format_number(x, decimals, num, sizeof num));
}

static void horizon_table(FILE *f, const churn_survival_eval *s)
{
    fputs("<table><tr><th>horizon (days)</th><th>time-dependent AUC</th>"
          "<th>Brier (IPCW)</th><th>mean predicted</th><th>1 &#8722; "
          "Kaplan-Meier</th><th>calibration error</th><th>cases</th>"
          "<th>controls</th></tr>\n", f);
    for (size_t j = 0; j < s->k; j++) {
        const churn__surv_horizon *h = &s->h[j];
        fputs("<tr>", f);
        cell(f, h->horizon, 0);
        cell(f, h->td_auc, 4);
        cell(f, h->brier, 4);
        cell(f, h->mean_predicted, 4);
        cell(f, h->km_churn, 4);
        cell(f, h->calibration_error, 4);
        cell(f, h->cases, 0);
        cell(f, h->controls, 0);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

/* The curves as text: per tier, Kaplan-Meier S at each horizon. */
static void tier_table(FILE *f, const churn_survival_eval *s)
{
    fputs("<table><tr><th class=\"k\">tier</th><th>customers</th>"
          "<th>churned</th>", f);
    for (size_t j = 0; j < s->k; j++)
        fprintf(f, "<th>S(%g)</th>", s->h[j].horizon);
    fputs("</tr>\n", f);
    for (size_t t = 0; t <= s->n_tiers; t++) {
        int all = t == s->n_tiers;
        const churn__steps *k = all ? &s->km : &s->tier[t].km;
        fputs("<tr><td class=\"k\">", f);
        churn__html_text(f, all ? "everyone" : s->tier[t].name);
        fprintf(f, "</td><td>%zu</td><td>%zu</td>",
                all ? s->n : s->tier[t].rows,
                all ? s->events : s->tier[t].events);
        for (size_t j = 0; j < s->k; j++)
            cell(f, churn__steps_at(k, s->h[j].horizon), 4);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void calibration_table(FILE *f, const churn_survival_eval *s)
{
    fputs("<table><tr><th>group (by P, lowest first)</th>", f);
    for (size_t j = 0; j < s->k; j++)
        fprintf(f, "<th>rows</th><th>mean P(%g)</th><th>1 &#8722; "
                "S(%g)</th>", s->h[j].horizon, s->h[j].horizon);
    fputs("</tr>\n", f);
    for (size_t g = 0; g < CHURN__SURV_GROUPS; g++) {
        fprintf(f, "<tr><td>%zu</td>", g + 1);
        for (size_t j = 0; j < s->k; j++) {
            fprintf(f, "<td>%zu</td>", s->h[j].cal_rows[g]);
            cell(f, s->h[j].cal_mean[g], 4);
            cell(f, s->h[j].cal_observed[g], 4);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

void churn__eval_html_survival(FILE *f, const churn_survival_eval *s)
{
    if (!s)
        return;
    char c[CHURN__NUM_BUF];
    fprintf(f, "<h2>Survival: time to churn</h2>\n<p>%zu customers, %zu "
            "churned; the others are censored at their last day observed. "
            "Harrell's C-index %s: of %.0f comparable pairs (one churned "
            "before the other left view), the risk score ranks %.0f the "
            "right way round and ties %.0f (counted half).</p>\n", s->n,
            s->events, isfinite(s->c_index)
                           ? churn_format_number(s->c_index, 4, c, sizeof c)
                           : "&#8211;",
            s->comparable, s->concordant, s->tied_risk);
    fputs("<div class=\"charts\">\n", f);
    km_chart(f, s);
    if (s->k)
        calibration_chart(f, s);
    fputs("</div>\n<h2>Kaplan-Meier by risk tier</h2>\n", f);
    tier_table(f, s);
    if (s->k) {
        fputs("<h2>Per horizon</h2>\n", f);
        horizon_table(f, s);
        fputs("<h2>Calibration against Kaplan-Meier</h2>\n", f);
        calibration_table(f, s);
    }
}
