using System;

namespace CoupleGen.Export;

/// <summary>How <see cref="GeneratorExport"/> writes a generator. Defaults give a CoupleGen model file in FP32.</summary>
public sealed record GeneratorExportOptions
{
    /// <summary>Gets the default options.</summary>
    public static GeneratorExportOptions Default { get; } = new();

    /// <summary>Gets the file format. Default: <see cref="ModelFileFormat.CoupleGen"/>.</summary>
    public ModelFileFormat Format { get; init; } = ModelFileFormat.CoupleGen;

    /// <summary>Gets the weights' number format. Default: <see cref="ExportPrecision.Fp32"/>; <see cref="ExportPrecision.BFloat16"/> is for <see cref="ModelFileFormat.CoupleGen"/> only.</summary>
    public ExportPrecision Precision { get; init; } = ExportPrecision.Fp32;

    /// <summary>Checks every value and their consistency.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is undefined.</exception>
    /// <exception cref="ArgumentException">bfloat16 was asked for a format other than <see cref="ModelFileFormat.CoupleGen"/>.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Format))
        {
            throw new ArgumentOutOfRangeException(nameof(Format), Format, "Unknown model file format.");
        }

        if (!Enum.IsDefined(Precision))
        {
            throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "Unknown export precision.");
        }

        if (Precision == ExportPrecision.BFloat16 && Format != ModelFileFormat.CoupleGen)
        {
            throw new ArgumentException($"bfloat16 weights are written only in CoupleGen model files, not {Format}.", nameof(Precision));
        }
    }
}
