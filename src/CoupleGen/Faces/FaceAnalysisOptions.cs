using System;
using TorchSharp;

namespace CoupleGen.Faces;

/// <summary>How <see cref="FaceAttributeEstimator"/> and <see cref="FaceEmbedder"/> run and read their input.</summary>
public sealed class FaceAnalysisOptions
{
    /// <summary>Gets the default options.</summary>
    public static FaceAnalysisOptions Default { get; } = new();

    /// <summary>
    /// Gets the device the network runs on, and where <c>Forward</c>'s input must live.
    /// Default: <see langword="null"/>, CUDA when available, else the CPU.
    /// </summary>
    public torch.Device? Device { get; init; }

    /// <summary>
    /// Gets where the face sits in the framed images given to the networks: the face box they are fed
    /// is derived from the framing's eye positions. Default: <see cref="FaceFraming.Training"/>, what
    /// <see cref="FaceFramer"/> produces with its default options.
    /// </summary>
    public FaceFraming Framing { get; init; } = FaceFraming.Training;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentNullException"><see cref="Framing"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A framing value is out of range.</exception>
    public void Validate()
    {
        if (Framing is null)
        {
            throw new ArgumentNullException(nameof(Framing), "Framing must be set.");
        }

        Framing.Validate();
    }
}
