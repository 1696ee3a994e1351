using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LlamaJump.App;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Models;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump models [--model M] [--json]</c>: the GGUF models LlamaJump finds (models/gguf,
/// $LLAMAJUMP_MODELS, ../shared/models/gguf) with architecture, blocks, width, vocabulary, size, file type, and what
/// LlamaJump supports for the architecture (<see cref="ArchitectureSupport"/>: the head — eval, exit —, exit's state
/// propagation, spec); with --json also where each model's layers would run (<see cref="ModelPlacement"/>: blocks
/// and head offloaded under --gpu-layers, and to which devices).</summary>
public static class ModelsVerb
{
    public static Command Create(JobContext context)
    {
        var model = new Option<string?>("--model") { Description = "Show one model: a path, or a name looked up in the model directories" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("models", "List the GGUF models found, or describe one") { model, json };
        command.SetAction(parse => JobRunner.Run(context, () => Execute(context, parse.GetValue(model), parse.GetValue(json))));
        return command;
    }

    public static int Execute(JobContext context, string? model, bool json)
    {
        var entries = model is null ? ModelListing.All(context.Models) : [ModelListing.One(context.Models, model)];
        if (json)
        {
            WriteJson(context.Out, entries);
        }
        else
        {
            WriteTable(context, entries);
        }
        foreach (var broken in entries.Where(e => e.Problem is not null))
        {
            context.Error.WriteLine($"llamajump: warning: skipped {broken.Problem}");
        }
        return ExitCodes.Success;
    }

    /// <summary>"head+propagate+spec", "head+spec" (exit recomputes), "capture only" (dump works; eval, exit and
    /// spec need the head), "unknown to llama.cpp", or "?" when the native library is not built.</summary>
    internal static string SupportText(ArchitectureSupport? support) => support switch
    {
        null => "?",
        { Known: false } => "unknown to llama.cpp",
        { Head: false } => "capture only",
        { Propagate: true } => "head+propagate+spec",
        _ => "head+spec",
    };

    /// <summary>The backend's support per architecture, asked once each; null for all when the native library is
    /// missing (the listing itself needs none).</summary>
    private static Func<string, ArchitectureSupport?> SupportLookup()
    {
        var known = new Dictionary<string, ArchitectureSupport?>();
        return arch =>
        {
            if (!known.TryGetValue(arch, out var support))
            {
                try
                {
                    support = ArchitectureSupport.Of(arch);
                }
                catch (NativeBackendMissingException)
                {
                    support = null;
                }
                known[arch] = support;
            }
            return support;
        };
    }

    private static void WriteTable(JobContext context, IReadOnlyList<ModelListingEntry> entries)
    {
        var support = SupportLookup();
        if (entries.Count == 0)
        {
            context.Error.WriteLine($"no GGUF models found (looked in: {string.Join(", ", context.Models.SearchDirectories)}); put models in models/gguf/ or set LLAMAJUMP_MODELS");
            return;
        }
        var rows = entries.Where(e => e.Info is not null).Select(e => (IReadOnlyList<string>)
        [
            e.Info!.FileName,
            e.Info.Architecture,
            e.Info.BlockCount.ToString(CultureInfo.InvariantCulture),
            e.Info.EmbeddingLength.ToString(CultureInfo.InvariantCulture),
            e.Info.VocabSize.ToString(CultureInfo.InvariantCulture),
            TextTable.Bytes(e.Info.FileSizeBytes),
            e.Info.HasTensors ? e.Info.FileType : "vocab-only",
            SupportText(support(e.Info.Architecture)),
            Path.GetDirectoryName(e.Path) ?? "",
        ]).ToList();
        TextTable.Write(context.Out, ["NAME", "ARCH", "BLOCKS", "N_EMBD", "VOCAB", "SIZE", "TYPE", "SUPPORTS", "DIRECTORY"], rows, new HashSet<int> { 2, 3, 4, 5 });
    }

    /// <summary>Where a model of so many blocks would run under this command line's --gpu-layers (and --rpc); null
    /// for all when the native library is missing.</summary>
    private static Func<int, object?> PlacementLookup()
    {
        bool native = true;
        return blocks =>
        {
            if (!native)
                return null;
            try
            {
                var (offloaded, head, devices) = ModelPlacement.Describe(blocks);
                return new { blocks_offloaded = offloaded, head_offloaded = head, devices };
            }
            catch (NativeBackendMissingException)
            {
                native = false;
                return null;
            }
        };
    }

    private static void WriteJson(TextWriter writer, IReadOnlyList<ModelListingEntry> entries)
    {
        var support = SupportLookup();
        var placement = PlacementLookup();
        var items = entries.Select(e => e.Info is { } i
            ? (object)new
            {
                name = i.FileName,
                path = e.Path,
                architecture = i.Architecture,
                blocks = i.BlockCount,
                n_embd = i.EmbeddingLength,
                vocab = i.VocabSize,
                size_bytes = i.FileSizeBytes,
                file_type = i.FileType,
                has_tensors = i.HasTensors,
                has_chat_template = i.ChatTemplate is not null,
                support = support(i.Architecture) is { } a
                    ? new { known = a.Known, head = a.Head, propagate = a.Propagate, spec = a.Spec }
                    : null,
                placement = i.HasTensors ? placement(i.BlockCount) : null,
            }
            : new { name = Path.GetFileName(e.Path), path = e.Path, error = e.Problem });
        writer.WriteLine(JsonSerializer.Serialize(items, new JsonSerializerOptions { WriteIndented = true }));
    }
}
