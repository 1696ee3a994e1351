namespace LlamaJump.Dumps.Corpus;

/// <summary>A corpus path cannot be used (missing, or a directory without text files). The message is one line
/// naming the path.</summary>
public sealed class CorpusException(string message) : DumpException(message);
