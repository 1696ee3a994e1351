using System.Text;

namespace LlamaJump.Shortcuts.Reports;

/// <summary>
/// Writes an evaluation into a results directory: results.json, results.csv, the figure PNGs that have something to
/// show, exit-samples.safetensors (<see cref="ExitSamplesFile"/>, when the evaluation has OJFA) and report.md linking
/// them. Each file is written whole to a temporary name in the same directory, flushed
/// to disk, then renamed over the final name, so a reader never sees a partial file; a figure no longer produced is
/// removed so report.md and the directory agree. results.json marks a complete evaluation: an earlier one is removed
/// first and the new one is written last, so a run killed part-way leaves no results.json beside newer files.
/// </summary>
public static class ReportWriter
{
    public const string JsonFile = "results.json";
    public const string CsvFile = "results.csv";
    public const string MarkdownFile = "report.md";

    /// <summary>Writes everything into <paramref name="directory"/> (created) and returns the full paths written,
    /// in order.</summary>
    public static IReadOnlyList<string> WriteAll(EvalReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        File.Delete(Path.Combine(directory, JsonFile));
        var written = new List<string>();
        void Write(string name, byte[] bytes)
        {
            string path = Path.Combine(directory, name);
            WriteAtomically(path, bytes);
            written.Add(Path.GetFullPath(path));
        }
        Write(CsvFile, Encoding.UTF8.GetBytes(ResultsCsv.Write(report.Result)));
        var figures = new List<string>();
        foreach (var (name, render) in new (string, Func<EvalReport, byte[]?>)[]
        {
            (ReportPlots.Figure2File, ReportPlots.Figure2),
            (ReportPlots.Figure3File, ReportPlots.Figure3),
            (ReportPlots.Figure4File, ReportPlots.Figure4),
            (ReportPlots.ExitCurveFile, ReportPlots.ExitCurveFigure),
        })
        {
            if (render(report) is { } png)
            {
                Write(name, png);
                figures.Add(name);
            }
            else
            {
                File.Delete(Path.Combine(directory, name));
            }
        }
        string samples = Path.Combine(directory, ExitSamplesFile.FileName);
        if (report.Result.OjfaExitSamples is { } exitSamples)
        {
            ExitSamplesFile.Write(samples, exitSamples, report.Model.Sha256, report.Jumps.Ojfa);
            written.Add(Path.GetFullPath(samples));
        }
        else
        {
            File.Delete(samples);
        }
        Write(MarkdownFile, Encoding.UTF8.GetBytes(ReportMarkdown.Write(report, figures)));
        Write(JsonFile, Encoding.UTF8.GetBytes(ResultsJson.Write(report)));
        return written;
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> through a temporary file and a rename.</summary>
    public static void WriteAtomically(string path, byte[] bytes)
    {
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
