namespace LlamaJump.App.Pipeline;

/// <summary>Where the pipeline keeps one model's outputs, under <c>&lt;out&gt;/&lt;model file stem&gt;/</c>:
/// <code>
/// dump/        the dump (llamajump dump; manifest.json holds its identity)
/// jumps.gguf   every jump, the joint jump, D_m and the OJFA choice (llamajump train; identity inside)
/// eval/        results.json, results.csv, figure PNGs, report.md (llamajump eval)
/// exit.json    the early-exit λ sweep (<see cref="ExitSweepJson"/>)
/// </code></summary>
public sealed record ModelLayout(string Directory)
{
    public string Dump => Path.Combine(Directory, "dump");
    public string Jumps => Path.Combine(Directory, "jumps.gguf");
    public string Eval => Path.Combine(Directory, "eval");
    public string Results => Path.Combine(Eval, Shortcuts.Reports.ReportWriter.JsonFile);
    public string Report => Path.Combine(Eval, Shortcuts.Reports.ReportWriter.MarkdownFile);
    public string Exit => Path.Combine(Directory, "exit.json");

    /// <summary>The layout of the model file <paramref name="modelPath"/> under <paramref name="root"/>.</summary>
    public static ModelLayout For(string root, string modelPath) => new(Path.Combine(root, Stem(modelPath)));

    /// <summary>"stories260K" for ".../stories260K.gguf": the name of the model's directory.</summary>
    public static string Stem(string modelPath) => Path.GetFileNameWithoutExtension(modelPath);
}
