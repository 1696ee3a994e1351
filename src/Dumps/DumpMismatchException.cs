namespace LlamaJump.Dumps;

/// <summary>A directory holds something other than what was asked for: a dump with another identity (model, corpus,
/// seed, position, dtype, counts or shard), files that are not a dump, or shards that do not belong together.
/// The message says what differs and what to do.</summary>
public sealed class DumpMismatchException(string message) : DumpException(message);
