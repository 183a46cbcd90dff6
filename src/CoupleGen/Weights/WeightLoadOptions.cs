using System;

namespace CoupleGen.Weights;

/// <summary>How <see cref="ModuleWeights.Load"/> matches file keys to a module's state-dict keys.</summary>
public sealed record WeightLoadOptions
{
    /// <summary>Gets the default options: strict, keys used as they are.</summary>
    public static WeightLoadOptions Default { get; } = new();

    /// <summary>Gets a value indicating whether every module key must be present and no file key may be left over. Default: <see langword="true"/>.</summary>
    public bool Strict { get; init; } = true;

    /// <summary>Gets a prefix removed from file keys that have it (e.g. <c>module.</c> from DataParallel checkpoints). Default: none.</summary>
    public string? StripPrefix { get; init; }

    /// <summary>Gets a mapping from file keys (after <see cref="StripPrefix"/>) to module keys; return <see langword="null"/> to ignore a key. Default: identity.</summary>
    public Func<string, string?>? KeyMap { get; init; }
}
