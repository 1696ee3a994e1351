using LlamaJump.Interop.Models;

namespace LlamaJump.Tui.Cli;

/// <summary>What every verb gets: the output streams and how model names resolve.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error, ModelResolver Models);
