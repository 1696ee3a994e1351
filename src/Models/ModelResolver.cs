namespace LlamaJump.Models;

/// <summary>Turns a --model argument into a file path. An argument naming an existing file (absolute, or relative
/// to the current directory) is that file. Otherwise it is a model name, matched as <c>name</c> or
/// <c>name.gguf</c> in the search directories, first match wins:
/// <c>&lt;home&gt;/models/gguf</c>, each directory of <c>$LLAMAJUMP_MODELS</c> (colon-separated), then
/// <c>&lt;home&gt;/../shared/models/gguf</c>.</summary>
public sealed class ModelResolver
{
    /// <summary>The model used when none is given.</summary>
    public const string DefaultModelName = "stories260K.gguf";

    private static readonly StringComparer PathComparer =
        OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private readonly string _currentDirectory;
    private readonly IReadOnlyList<string> _candidates;

    /// <param name="home">The repository root; relative paths here and in <paramref name="modelsEnv"/> are taken
    /// relative to <paramref name="currentDirectory"/>.</param>
    /// <param name="modelsEnv">The value of $LLAMAJUMP_MODELS: directories separated by ':', empty entries ignored.</param>
    public ModelResolver(string home, string? modelsEnv, string currentDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(home);
        ArgumentException.ThrowIfNullOrEmpty(currentDirectory);
        _currentDirectory = Path.GetFullPath(currentDirectory);
        string fullHome = Path.GetFullPath(home, _currentDirectory);
        var candidates = new List<string> { Path.Combine(fullHome, "models", "gguf") };
        foreach (string dir in (modelsEnv ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            candidates.Add(dir);
        candidates.Add(Path.Combine(fullHome, "..", "shared", "models", "gguf"));
        _candidates = candidates
            .Select(dir => Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir, _currentDirectory)))
            .Distinct(PathComparer)
            .ToList();
    }

    /// <summary>A resolver for this process: $LLAMAJUMP_MODELS and the current directory.</summary>
    public static ModelResolver FromEnvironment(string home) =>
        new(home, Environment.GetEnvironmentVariable("LLAMAJUMP_MODELS"), Environment.CurrentDirectory);

    /// <summary>The search directories that exist now, in search order, each once (by full path).</summary>
    public IReadOnlyList<string> SearchDirectories => _candidates.Where(Directory.Exists).ToList();

    /// <summary>The full path of the model <paramref name="pathOrName"/> refers to; throws
    /// <see cref="ModelNotFoundException"/> listing every directory searched when there is none.</summary>
    public string Resolve(string pathOrName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrName);
        string asPath = Path.GetFullPath(pathOrName, _currentDirectory);
        if (File.Exists(asPath))
            return asPath;
        foreach (string dir in SearchDirectories)
        {
            foreach (string fileName in new[] { pathOrName, pathOrName + ".gguf" })
            {
                string candidate = Path.GetFullPath(Path.Combine(dir, fileName));
                if (File.Exists(candidate))
                    return candidate;
            }
        }
        throw new ModelNotFoundException(pathOrName, _candidates);
    }

    /// <summary>Full paths of the *.gguf files directly in the search directories, in search-directory order and
    /// then by file name; a file name already seen in an earlier directory is skipped, as <see cref="Resolve"/>
    /// would never reach it.</summary>
    public IReadOnlyList<string> EnumerateModelFiles()
    {
        var seen = new HashSet<string>(PathComparer);
        var files = new List<string>();
        var options = new EnumerationOptions { IgnoreInaccessible = true, MatchCasing = MatchCasing.CaseInsensitive };
        foreach (string dir in SearchDirectories)
        {
            var inDir = Directory.EnumerateFiles(dir, "*.gguf", options).Order(PathComparer).ToList();
            foreach (string file in inDir)
            {
                if (seen.Add(Path.GetFileName(file)))
                    files.Add(file);
            }
        }
        return files;
    }

    /// <summary>The repository root: $LLAMAJUMP_HOME if set, else the nearest directory at or above
    /// <see cref="AppContext.BaseDirectory"/> that holds LlamaJump.sln, else the current directory.</summary>
    public static string LocateHome() => LocateHome(
        Environment.GetEnvironmentVariable("LLAMAJUMP_HOME"), AppContext.BaseDirectory, Environment.CurrentDirectory);

    internal static string LocateHome(string? homeEnv, string baseDirectory, string currentDirectory)
    {
        if (!string.IsNullOrEmpty(homeEnv))
            return Path.GetFullPath(homeEnv, currentDirectory);
        for (var dir = new DirectoryInfo(baseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlamaJump.sln")))
                return dir.FullName;
        }
        return Path.GetFullPath(currentDirectory);
    }
}
