/* eval_html.c - the evaluation report as one self-contained HTML page:
 * metric tables and inline SVG charts, no script, no network. The page is
 * also well-formed XML, so a plain XML parser can check it. */
#include "ml/eval.h"
#include "ml/survival_eval.h"

#include <math.h>
#include <string.h>

/* Chart geometry in SVG user units: the plot area inside each chart. */
#define CHART_W 440
#define CHART_H 330
#define PLOT_X 62
#define PLOT_Y 34
#define PLOT_W 350
#define PLOT_H 240

static const char *const COLOR_MODEL = "#1f5fa8";
static const char *const COLOR_OTHER = "#d9661f";
static const char *const COLOR_REF = "#888888";

/* A chart's value ranges; maps data to SVG coordinates. */
typedef struct chart {
    FILE *f;
    double x_max, y_max;
    int legend_low;   /* legend in the bottom right corner, not the top */
    int x_centered;   /* x ticks label the unit interval after them, 1.. */
} chart;

static double px(const chart *c, double x)
{
    return PLOT_X + PLOT_W * x / c->x_max;
}
static double py(const chart *c, double y)
{
    return PLOT_Y + PLOT_H - PLOT_H * y / c->y_max;
}

/* Opens an SVG chart: frame, grid, tick labels every tick_x / tick_y,
 * the title and both axis labels. */
static void chart_open(chart *c, FILE *f, const char *title,
                       const char *x_label, const char *y_label,
                       double x_max, double y_max, double tick_x,
                       double tick_y)
{
    c->f = f;
    c->x_max = x_max;
    c->y_max = y_max;
    c->legend_low = 0;
    fprintf(f, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
            "font-family=\"sans-serif\" font-size=\"12\">\n",
            CHART_W, CHART_H, CHART_W, CHART_H);
    fprintf(f, "<title>");
    churn__html_text(f, title);
    fprintf(f, "</title>\n<text x=\"%d\" y=\"20\" font-size=\"15\" "
            "font-weight=\"bold\">", PLOT_X);
    churn__html_text(f, title);
    fprintf(f, "</text>\n");
    for (double x = 0; x <= x_max + 1e-9; x += tick_x) {
        /* Deciles are intervals: their numbers go between the ticks. */
        double at = c->x_centered ? x + tick_x / 2 : x;
        fprintf(f, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" "
                "stroke=\"#e4e4e4\"/>", px(c, x), PLOT_Y, px(c, x),
                PLOT_Y + PLOT_H);
        if (!c->x_centered || x + tick_x <= x_max + 1e-9)
            fprintf(f, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">"
                    "%g</text>", px(c, at), PLOT_Y + PLOT_H + 16,
                    c->x_centered ? round(x / tick_x) + 1
                                  : round(x * 100) / 100);
        fputc('\n', f);
    }
    for (double y = 0; y <= y_max + 1e-9; y += tick_y)
        fprintf(f, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" "
                "stroke=\"#e4e4e4\"/><text x=\"%d\" y=\"%.2f\" "
                "text-anchor=\"end\">%g</text>\n", PLOT_X, py(c, y),
                PLOT_X + PLOT_W, py(c, y), PLOT_X - 6, py(c, y) + 4,
                round(y * 100) / 100);
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
            "fill=\"none\" stroke=\"#333\"/>\n", PLOT_X, PLOT_Y, PLOT_W,
            PLOT_H);
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
            PLOT_X + PLOT_W / 2, PLOT_Y + PLOT_H + 36);
    churn__html_text(f, x_label);
    fprintf(f, "</text>\n<text transform=\"translate(16 %d) rotate(-90)\" "
            "text-anchor=\"middle\">", PLOT_Y + PLOT_H / 2);
    churn__html_text(f, y_label);
    fprintf(f, "</text>\n");
}

/* Legend entry k (from the top right corner of the plot). */
static void legend(const chart *c, int k, const char *color, int dashed,
                   const char *text)
{
    double y = c->legend_low ? PLOT_Y + PLOT_H - 8 - 18 * (1 - k)
                             : PLOT_Y + 16 + 18 * k;
    double x = PLOT_X + PLOT_W - 170;
    fprintf(c->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"166\" height=\"18\" "
            "fill=\"white\" fill-opacity=\"0.85\"/><line x1=\"%.1f\" "
            "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
            "stroke-width=\"2.5\"%s/><text x=\"%.1f\" y=\"%.1f\">", x,
            y - 12, x + 4, y - 3, x + 26, y - 3, color,
            dashed ? " stroke-dasharray=\"5 4\"" : "", x + 32, y + 1);
    churn__html_text(c->f, text);
    fprintf(c->f, "</text>\n");
}

static void line(const chart *c, double x1, double y1, double x2, double y2,
                 const char *color, int dashed)
{
    fprintf(c->f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
            "stroke=\"%s\" stroke-width=\"1.5\"%s/>\n", px(c, x1), py(c, y1),
            px(c, x2), py(c, y2), color,
            dashed ? " stroke-dasharray=\"5 4\"" : "");
}

static void chart_close(chart *c, const char *caption)
{
    fprintf(c->f, "</svg><figcaption>");
    churn__html_text(c->f, caption);
    fprintf(c->f, "</figcaption></figure>\n");
}

/* A curve through the ranked rows, one point per distinct probability:
 * kind 0 = ROC (FPR, TPR), 1 = precision-recall (recall, precision),
 * 2 = cumulative gains (share targeted, share of churners). Points closer
 * than about half a pixel to the last one are left out. */
static void curve(const chart *c, const churn_eval *e, int kind)
{
    double pos = e->metrics[CHURN__E_POSITIVES];
    double neg = (double)e->n - pos, tp = 0, fp = 0;
    double last_x = -1, last_y = -1;
    fprintf(c->f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" "
            "points=\"", COLOR_MODEL);
    if (kind != 1)
        fprintf(c->f, "%.2f,%.2f", px(c, 0), py(c, 0));
    for (size_t i = 0; i < e->n;) {
        size_t end = i;
        for (; end < e->n && e->score[end] == e->score[i]; end++) {
            tp += e->label[end];
            fp += !e->label[end];
        }
        double x = kind == 0 ? fp / neg : kind == 1 ? tp / pos
                                                    : (tp + fp) / (double)e->n;
        double y = kind == 0 ? tp / pos : kind == 1 ? tp / (tp + fp)
                                                    : tp / pos;
        if (end == e->n || fabs(px(c, x) - last_x) + fabs(py(c, y) - last_y)
                               > 0.6) {
            fprintf(c->f, " %.2f,%.2f", px(c, x), py(c, y));
            last_x = px(c, x);
            last_y = py(c, y);
        }
        i = end;
    }
    fprintf(c->f, "\"/>\n");
}

static void roc_chart(FILE *f, const churn_eval *e)
{
    chart c = {0};
    char text[64];
    chart_open(&c, f, "ROC curve", "false positive rate",
               "true positive rate", 1, 1, 0.2, 0.2);
    c.legend_low = 1;
    line(&c, 0, 0, 1, 1, COLOR_REF, 1);
    curve(&c, e, 0);
    snprintf(text, sizeof text, "model (AUC %.3f)", e->metrics[CHURN__E_AUC]);
    legend(&c, 0, COLOR_MODEL, 0, text);
    legend(&c, 1, COLOR_REF, 1, "random (AUC 0.5)");
    chart_close(&c, "How well the probabilities rank churners above "
                "non-churners, at every threshold.");
}

static void pr_chart(FILE *f, const churn_eval *e)
{
    chart c = {0};
    char text[64];
    double rate = e->metrics[CHURN__E_POSITIVES] / (double)e->n;
    chart_open(&c, f, "Precision-recall curve", "recall", "precision", 1, 1,
               0.2, 0.2);
    line(&c, 0, rate, 1, rate, COLOR_REF, 1);
    curve(&c, e, 1);
    snprintf(text, sizeof text, "model (AP %.3f)",
             e->metrics[CHURN__E_PR_AUC]);
    legend(&c, 0, COLOR_MODEL, 0, text);
    snprintf(text, sizeof text, "churn rate %.3f", rate);
    legend(&c, 1, COLOR_REF, 1, text);
    chart_close(&c, "Share of flagged customers who churn (precision) "
                "against share of churners flagged (recall).");
}

static void gains_chart(FILE *f, const churn_eval *e)
{
    chart c = {0};
    chart_open(&c, f, "Cumulative gains", "share of customers targeted "
               "(highest risk first)", "share of churners reached", 1, 1,
               0.2, 0.2);
    c.legend_low = 1;
    line(&c, 0, 0, 1, 1, COLOR_REF, 1);
    curve(&c, e, 2);
    legend(&c, 0, COLOR_MODEL, 0, "model");
    legend(&c, 1, COLOR_REF, 1, "random targeting");
    chart_close(&c, "Churners reached when targeting the top share of "
                "the ranking.");
}

/* Bars per decile: lift (left) and the baseline lift of 1. */
static void lift_chart(FILE *f, const churn_eval *e)
{
    chart c = {0};
    double lift[CHURN__EVAL_BINS], top = 1;
    for (size_t d = 0; d < CHURN__EVAL_BINS; d++) {
        size_t rows, pos;
        double gain;
        churn_eval_decile(e, d, &rows, &pos, &lift[d], &gain);
        top = lift[d] > top ? lift[d] : top;
    }
    double y_max = ceil(top * 1.1);
    c.x_centered = 1;
    chart_open(&c, f, "Lift by decile", "decile (1 = highest risk)",
               "churn rate / overall churn rate", 10, y_max, 1,
               y_max > 5 ? 1 : 0.5);
    for (size_t d = 0; d < CHURN__EVAL_BINS; d++)
        fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                "height=\"%.2f\" fill=\"%s\"/><text x=\"%.2f\" y=\"%.2f\" "
                "text-anchor=\"middle\" font-size=\"10\">%.2f</text>\n",
                px(&c, (double)d + 0.15), py(&c, lift[d]),
                px(&c, 0.7) - px(&c, 0), py(&c, 0) - py(&c, lift[d]),
                COLOR_MODEL, px(&c, (double)d + 0.5), py(&c, lift[d]) - 3,
                lift[d]);
    line(&c, 0, 1, 10, 1, COLOR_REF, 1);
    legend(&c, 0, COLOR_MODEL, 0, "lift of the decile");
    legend(&c, 1, COLOR_REF, 1, "random (lift 1)");
    chart_close(&c, "Bar d spans decile d: the churn rate among those "
                "customers relative to everyone's.");
}

static void calibration_chart(FILE *f, const churn_eval *e)
{
    chart c = {0};
    chart_open(&c, f, "Calibration (reliability)", "mean predicted "
               "probability", "observed churn rate", 1, 1, 0.2, 0.2);
    c.legend_low = 1;
    line(&c, 0, 0, 1, 1, COLOR_REF, 1);
    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" "
            "points=\"", COLOR_MODEL);
    for (size_t b = 0; b < CHURN__EVAL_BINS; b++) {
        size_t rows;
        double mean, observed;
        churn_eval_calibration(e, b, &rows, &mean, &observed);
        if (rows)
            fprintf(f, " %.2f,%.2f", px(&c, mean), py(&c, observed));
    }
    fprintf(f, "\"/>\n");
    for (size_t b = 0; b < CHURN__EVAL_BINS; b++) {
        size_t rows;
        double mean, observed;
        churn_eval_calibration(e, b, &rows, &mean, &observed);
        if (rows)
            fprintf(f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"4\" "
                    "fill=\"%s\"/>\n", px(&c, mean), py(&c, observed),
                    COLOR_MODEL);
    }
    char text[64];
    snprintf(text, sizeof text, "model (ECE %.3f)", e->metrics[CHURN__E_ECE]);
    legend(&c, 0, COLOR_MODEL, 0, text);
    legend(&c, 1, COLOR_REF, 1, "perfectly calibrated");
    chart_close(&c, "One point per probability bin of width 0.1 (empty "
                "bins left out).");
}

/* Histogram of probabilities in 20 bins, as a share of each class. */
static void histogram_chart(FILE *f, const churn_eval *e)
{
    enum { BINS = 20 };
    double count[2][BINS] = {{0}}, total[2] = {0, 0}, top = 0;
    for (size_t i = 0; i < e->n; i++) {
        double s = e->score[i] < 0 ? 0 : e->score[i] > 1 ? 1 : e->score[i];
        int b = (int)(s * BINS);
        count[e->label[i]][b < BINS ? b : BINS - 1]++;
        total[e->label[i]]++;
    }
    for (int k = 0; k < 2; k++)
        for (int b = 0; b < BINS; b++) {
            count[k][b] /= total[k];
            top = count[k][b] > top ? count[k][b] : top;
        }
    double y_max = ceil(top * 10) / 10;
    chart c = {0};
    chart_open(&c, f, "Probabilities by class", "predicted churn "
               "probability", "share of the class", 1, y_max, 0.2,
               y_max > 0.5 ? 0.2 : 0.1);
    const char *colors[2] = {COLOR_OTHER, COLOR_MODEL};
    for (int k = 0; k < 2; k++)
        for (int b = 0; b < BINS; b++)
            fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                    "height=\"%.2f\" fill=\"%s\" fill-opacity=\"0.55\"/>\n",
                    px(&c, (double)b / BINS), py(&c, count[k][b]),
                    px(&c, 1.0 / BINS) - px(&c, 0),
                    py(&c, 0) - py(&c, count[k][b]), colors[k]);
    legend(&c, 0, COLOR_MODEL, 0, "churned");
    legend(&c, 1, COLOR_OTHER, 0, "stayed");
    chart_close(&c, "Each class sums to 1; good models keep the two apart.");
}

/* The metric tables: scalar figures, deciles, calibration. */
static void tables(FILE *f, const churn_eval *e);

/* The page's style: readable at 400 pixels as at 1280: charts scale
 * down with their viewBox, tables scroll sideways inside themselves, the
 * body never does. */
static const char *const STYLE =
    "body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}\n"
    "h1{font-size:22px;overflow-wrap:anywhere}h2{font-size:18px;"
    "margin-top:28px}\n"
    "table{border-collapse:collapse;margin:8px 0;display:block;"
    "overflow-x:auto;max-width:100%}\n"
    "td,th{border:1px solid #ccc;padding:3px 9px;text-align:right}\n"
    "th{background:#f0f3f8}td.k,th.k{text-align:left}\n"
    "td.k{overflow-wrap:anywhere;min-width:8em}\n"
    ".charts{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}\n"
    "figure{margin:0;border:1px solid #ddd;padding:6px;flex:0 1 452px;"
    "min-width:0;max-width:100%;box-sizing:border-box}\n"
    "svg{display:block;width:100%;max-width:100%;height:auto}\n"
    "figcaption{font-size:12px;color:#555;max-width:430px}\n"
    ".summary table{font-size:15px}.summary th{width:9em}\n"
    "p.reading{font-size:16px;font-weight:bold}\n"
    "@media (max-width:600px){body{margin:8px}}\n";

static void page(FILE *f, const churn_eval *e, const char *title)
{
    char name[512];
    /* The title names the model; the caller's title only when the
     * report knows no model. */
    churn__eval_model_title(e, title, name, sizeof name);
    fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" "
          "lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta "
          "name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\"/>\n<title>Churn model: ", f);
    churn__html_text(f, name);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>"
            "Churn model evaluation: ", STYLE);
    churn__html_text(f, name);
    fputs("</h1>\n", f);
    churn__eval_html_summary(f, e);
    fputs("<div class=\"charts\">\n", f);
    roc_chart(f, e);
    pr_chart(f, e);
    gains_chart(f, e);
    lift_chart(f, e);
    calibration_chart(f, e);
    histogram_chart(f, e);
    fputs("</div>\n", f);
    tables(f, e);
    churn__eval_html_segments(f, e);
    churn__eval_html_drift(f, e);
    churn__eval_html_survival(f, e->survival);
    fputs("</body>\n</html>\n", f);
}

/* One table cell with x to 4 decimals (never "-0.0000"), a dash when x
 * is not a number (an empty calibration bin, a kernel model's
 * coefficient). */
static void cell(FILE *f, double x)
{
    char num[CHURN__NUM_BUF];
    if (!isfinite(x))
        fputs("<td>&#8211;</td>", f);
    else
        fprintf(f, "<td>%s</td>", churn_format_number(x, 4, num, sizeof num));
}

static void row(FILE *f, const churn_eval *e, const char *label, int k)
{
    fputs("<tr><td class=\"k\">", f);
    churn__html_text(f, label);
    fputs("</td>", f);
    cell(f, e->metrics[k]);
    /* Folds have no figure of their own for a bootstrap interval (only
     * the pooled rows are resampled), and the threshold is a setting:
     * a dash, as the note under the table says. */
    if (e->n_folds && (!isfinite(e->fold_mean[k]) || k == CHURN__E_THRESHOLD))
        fputs("<td>&#8211;</td>", f);
    else if (e->n_folds) {
        char mean[CHURN__NUM_BUF], sd[CHURN__NUM_BUF];
        fprintf(f, "<td>%s ± %s</td>",
                churn_format_number(e->fold_mean[k], 4, mean, sizeof mean),
                churn_format_number(e->fold_sd[k], 4, sd, sizeof sd));
    }
    fputs("</tr>\n", f);
}

/* Inputs by permutation importance, largest first (a few dozen inputs:
 * selection by repeated scans is plenty). */
static void importance_table(FILE *f, const churn_eval *e)
{
    if (e->n_imp == 0)
        return;
    fputs("<h2>Feature importance</h2>\n<p>AUC lost when an input's values "
          "are shuffled across customers (permutation importance), and the "
          "largest absolute coefficient among its standardized model "
          "inputs.</p>\n<table><tr><th class=\"k\">input</th><th>AUC "
          "lost</th><th>|coefficient|</th>", f);
    /* gbdt: the mean |TreeSHAP value| of the input's log-odds part. */
    fputs(e->imp_shap ? "<th>mean |SHAP|</th></tr>\n" : "</tr>\n", f);
    double last = INFINITY;
    size_t last_j = (size_t)-1;
    for (size_t r = 0; r < e->n_imp; r++) {
        size_t best = (size_t)-1;
        for (size_t j = 0; j < e->n_imp; j++) {
            double v = e->imp_perm[j];
            /* next in the order (value desc, index asc) after (last, j) */
            int after = v < last || (v == last && j > last_j);
            if (after && (best == (size_t)-1 || v > e->imp_perm[best]))
                best = j;
        }
        if (best == (size_t)-1)
            break;
        fputs("<tr><td class=\"k\">", f);
        churn__html_text(f, e->imp_names[best]);
        fputs("</td>", f);
        cell(f, e->imp_perm[best]);
        cell(f, e->imp_coef[best]);
        if (e->imp_shap)
            cell(f, e->imp_shap[best]);
        fputs("</tr>\n", f);
        last = e->imp_perm[best];
        last_j = best;
    }
    fputs("</table>\n", f);
}

/* The scalar figures, with mean ± sd over folds when cross-validated. */
static void metric_table(FILE *f, const churn_eval *e)
{
    static const struct { const char *label; int k; } figures[] = {
        {"ROC AUC", CHURN__E_AUC}, {"  95% interval, low", CHURN__E_AUC_LOW},
        {"  95% interval, high", CHURN__E_AUC_HIGH},
        {"PR AUC (average precision)", CHURN__E_PR_AUC},
        {"  95% interval, low", CHURN__E_PR_AUC_LOW},
        {"  95% interval, high", CHURN__E_PR_AUC_HIGH},
        {"log loss", CHURN__E_LOG_LOSS}, {"Brier score", CHURN__E_BRIER},
        {"expected calibration error", CHURN__E_ECE},
        {"top-decile lift", CHURN__E_TOP_DECILE_LIFT},
        {"threshold", CHURN__E_THRESHOLD}, {"accuracy", CHURN__E_ACCURACY},
        {"precision", CHURN__E_PRECISION}, {"recall", CHURN__E_RECALL},
        {"F1", CHURN__E_F1},
        {"precision, top 1%", CHURN__E_PRECISION_AT_1},
        {"recall, top 1%", CHURN__E_RECALL_AT_1},
        {"precision, top 5%", CHURN__E_PRECISION_AT_5},
        {"recall, top 5%", CHURN__E_RECALL_AT_5},
        {"precision, top 10%", CHURN__E_PRECISION_AT_10},
        {"recall, top 10%", CHURN__E_RECALL_AT_10},
        {"precision, top 20%", CHURN__E_PRECISION_AT_20},
        {"recall, top 20%", CHURN__E_RECALL_AT_20},
    };
    const double *m = e->metrics;
    fprintf(f, "<h2>Metrics</h2>\n<p>%.0f labeled rows, %.0f churned "
            "(%.2f%%).</p>\n<table>\n<tr><th class=\"k\">metric</th>"
            "<th>value</th>%s</tr>\n", m[CHURN__E_ROWS],
            m[CHURN__E_POSITIVES],
            100 * m[CHURN__E_POSITIVES] / m[CHURN__E_ROWS],
            e->n_folds ? "<th>mean ± sd over folds</th>" : "");
    for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++)
        row(f, e, figures[i].label, figures[i].k);
    fputs("</table>\n", f);
    if (e->n_folds)
        fprintf(f, "<p>Intervals are bootstrap figures of all %zu folds' "
                "rows together; a single fold has none (&#8211;).</p>\n",
                e->n_folds);
}

static void tables(FILE *f, const churn_eval *e)
{
    const double *m = e->metrics;
    metric_table(f, e);
    fprintf(f, "<h2>Confusion matrix at threshold %g</h2>\n"
            "<table><tr><th></th><th>churned</th><th>stayed</th></tr>\n"
            "<tr><th class=\"k\">predicted churn</th><td>%.0f</td>"
            "<td>%.0f</td></tr>\n<tr><th class=\"k\">predicted stay</th>"
            "<td>%.0f</td><td>%.0f</td></tr></table>\n",
            m[CHURN__E_THRESHOLD], m[CHURN__E_TP], m[CHURN__E_FP],
            m[CHURN__E_FN], m[CHURN__E_TN]);
    fprintf(f, "<h2>Retention campaign</h2>\n<p>An offer costs %g, a kept "
            "churner is worth %g; profit(t) = %g &#215; TP(t) &#8722; %g "
            "&#215; (TP(t) + FP(t)). Best threshold %.4f: offer to %.0f "
            "customers, profit %g.</p>\n", m[CHURN__E_OFFER_COST],
            m[CHURN__E_CUSTOMER_VALUE], m[CHURN__E_CUSTOMER_VALUE],
            m[CHURN__E_OFFER_COST], m[CHURN__E_BEST_THRESHOLD],
            m[CHURN__E_BEST_TARGETED], m[CHURN__E_BEST_PROFIT]);
    fputs("<h2>Deciles</h2>\n<table><tr><th>decile</th><th>rows</th>"
          "<th>churned</th><th>lift</th><th>cumulative gains</th></tr>\n", f);
    for (size_t d = 0; d < CHURN__EVAL_BINS; d++) {
        size_t rows, pos;
        double lift, gain;
        churn_eval_decile(e, d, &rows, &pos, &lift, &gain);
        fprintf(f, "<tr><td>%zu</td><td>%zu</td><td>%zu</td><td>%.2f</td>"
                "<td>%.1f%%</td></tr>\n", d + 1, rows, pos, lift, 100 * gain);
    }
    fputs("</table>\n<h2>Calibration</h2>\n<table><tr><th>probability</th>"
          "<th>rows</th><th>mean predicted</th><th>observed</th></tr>\n", f);
    for (size_t b = 0; b < CHURN__EVAL_BINS; b++) {
        size_t rows;
        double mean, observed;
        churn_eval_calibration(e, b, &rows, &mean, &observed);
        fprintf(f, "<tr><td>%.1f&#8211;%.1f</td><td>%zu</td>",
                (double)b / 10, (double)(b + 1) / 10, rows);
        cell(f, mean);
        cell(f, observed);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
    importance_table(f, e);
    if (e->board.n)
        churn__eval_html_board(f, e);
    fputs("<h2>Model and data</h2>\n<table>\n", f);
    for (size_t i = 0; i < e->n_info; i++) {
        fputs("<tr><td class=\"k\">", f);
        churn__html_text(f, e->info[2 * i]);
        fputs("</td><td class=\"k\">", f);
        churn__html_text(f, e->info[2 * i + 1]);
        fputs("</td></tr>\n", f);
    }
    fprintf(f, "<tr><td class=\"k\">inputs (%zu)</td><td class=\"k\">",
            e->n_features);
    for (size_t j = 0; j < e->n_features; j++) {
        churn__html_text(f, e->features[j]);
        fputs(j + 1 < e->n_features ? ", " : "", f);
    }
    fprintf(f, "</td></tr>\n<tr><td class=\"k\">library</td><td "
            "class=\"k\">libchurn %s</td></tr>\n</table>\n", churn_version());
}

int churn_eval_write_html(const churn_eval *e, const char *title,
                          const char *path, churn_error *err)
{
    if (!e || !path)
        return churn__fail(err, CHURN_EINVAL, "churn_eval_write_html: null "
                           "argument");
    churn__afile *f;
    int rc = churn__afile_open(path, &f, err);
    if (rc != CHURN_OK)
        return rc;
    FILE *s = churn__afile_stream(f);
    page(s, e, title ? title : "report");
    if (ferror(s)) {
        churn__afile_abort(f);
        return churn__fail(err, CHURN_EIO, "%s: write failed", path);
    }
    return churn__afile_commit(f, err);
}
