/* cli_kpi.c - --kpi-from and --kpi-to, the period of the retention KPIs
 * that churn-eval and churn-segment show. */
#include "cli.h"

void cli_kpi_option(cli_kpi_window *w, int code, const char *arg)
{
    if (code == CLI_KPI_FROM) {
        w->from = cli_date("--kpi-from", arg);
        w->has_from = 1;
    } else {
        w->to = cli_date("--kpi-to", arg);
        w->has_to = 1;
    }
}

void cli_kpi_check(const cli_kpi_window *w)
{
    if (w->has_from != w->has_to)
        cli_usage_error("--kpi-from and --kpi-to go together");
    if (w->has_from && w->from >= w->to)
        cli_usage_error("--kpi-from must be before --kpi-to");
}
