using System;

namespace CoupleGen.Generation;

/// <summary>What became of one file in <see cref="PartnerGenerator.GenerateFiles"/>: written, or failed with the reason.</summary>
public sealed class FileGenerationResult
{
    internal FileGenerationResult(string inputPath, string outputPath, Exception? error)
    {
        InputPath = inputPath;
        OutputPath = outputPath;
        Error = error;
    }

    /// <summary>Gets the person's face that was read.</summary>
    public string InputPath { get; }

    /// <summary>Gets where the partner was (or would have been) written.</summary>
    public string OutputPath { get; }

    /// <summary>
    /// Gets why this file failed, or <see langword="null"/> when its partner was written: an
    /// <see cref="Errors.InvalidImageException"/> (missing, corrupt or too large input, or an output extension that is no
    /// image format), a <see cref="Errors.NoFaceFoundException"/>, or an <see cref="System.IO.IOException"/> or
    /// <see cref="UnauthorizedAccessException"/> from writing. Nothing is written for a failed file.
    /// </summary>
    public Exception? Error { get; }

    /// <summary>Gets a value indicating whether the partner was written.</summary>
    public bool Succeeded => Error is null;
}
