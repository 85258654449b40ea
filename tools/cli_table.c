/* cli_table.c - the --delimiter option of the tools that read a table
 * (--data, --customers) or an event log (--events): its value, for every
 * file the tool reads, and the line on stderr that says which delimiter
 * was read off a header, since a wrong guess would otherwise show only
 * as odd column names. */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The delimiter given; 0 = auto, read off each file's header. */
static char table_delimiter;

char cli_delimiter_option(const char *arg)
{
    if (strcmp(arg, "auto") == 0)
        table_delimiter = 0;
    else if (strcmp(arg, "tab") == 0 || strcmp(arg, "\t") == 0)
        table_delimiter = '\t';
    else if (strlen(arg) == 1 && strchr(",;|", arg[0]))
        table_delimiter = arg[0];
    else
        cli_usage_error("--delimiter: ',', ';', tab or '|' (or auto, the "
                        "default), not '%s'", arg);
    return table_delimiter;
}

int cli_delimiter_apply(churn_csv_opts *o)
{
    return churn_csv_opts_set_delimiter(o, table_delimiter);
}

/* How sep is shown in messages: ';' as "';'", a tab as "tab". */
static const char *shown(char sep)
{
    switch (sep) {
    case ';': return "';'";
    case '\t': return "tab";
    case '|': return "'|'";
    default: return "','";
    }
}

/* The file last said, since some tools read one twice (churn-eval
 * extracts the log again for its segments): each is said once. */
static char said[4096];

void cli_say_delimiter(const char *path, char given)
{
    char sep, also;
    /* An unreadable file is left to the read, which says why. */
    if (cli_silent || given != 0 || strcmp(said, path) == 0 ||
        churn_csv_detect_delimiter(path, NULL, &sep, &also, NULL) !=
            CHURN_OK ||
        sep == ',')
        return;
    char other[64] = "";
    if (also)
        snprintf(other, sizeof other, "the most frequent; it also holds %s; ",
                 shown(also));
    snprintf(said, sizeof said, "%s", path);
    cli_progress_done();
    fprintf(stderr, "%s: delimiter %s detected from the header of %s (%s"
            "--delimiter to set it)\n", cli_tool, shown(sep), path, other);
}

void cli_table_say_delimiter(const char *path, const churn_csv_opts *o)
{
    cli_say_delimiter(path, churn_csv_opts_delimiter(o));
}

void cli_events_say_delimiter(const char *path, const churn_feature_opts *o)
{
    /* Reading the header of a pipe here would take it from the library,
     * which detects the delimiter in the stream it reads. */
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        cli_say_delimiter(path, churn_feature_opts_delimiter(o));
}
