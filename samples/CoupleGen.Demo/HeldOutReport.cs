using System;
using System.Collections.Generic;
using CoupleGen.Data;
using CoupleGen.Generation;
using CoupleGen.Imaging;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace CoupleGen.Demo;

/// <summary>Generates partners for held-out pairs, writes a contact sheet and compares L1 with the identity baseline.</summary>
internal static class HeldOutReport
{
    public static (double Model, double Identity) Run(IPartnerGenerator generator, IPairedDataset heldOut, PairDirection direction, string sheetPath, int maxRows = 8)
    {
        double modelSum = 0, identitySum = 0;
        var rows = new List<IReadOnlyList<Image<Rgb24>>>();
        try
        {
            for (int i = 0; i < heldOut.Count; i++)
            {
                using ImagePair pair = heldOut.GetPair(i);
                Image<Rgb24> input = (direction == PairDirection.AToB ? pair.A : pair.B).Clone(x => x.Resize(generator.ImageSize, generator.ImageSize, KnownResamplers.Bicubic));
                Image<Rgb24> target = (direction == PairDirection.AToB ? pair.B : pair.A).Clone(x => x.Resize(generator.ImageSize, generator.ImageSize, KnownResamplers.Bicubic));
                Image<Rgb24> generated = generator.Generate(input);
                modelSum += MeanAbsoluteError(generated, target);
                identitySum += MeanAbsoluteError(input, target);
                if (rows.Count < maxRows)
                {
                    rows.Add(new[] { input, generated, target });
                }
                else
                {
                    input.Dispose();
                    target.Dispose();
                    generated.Dispose();
                }
            }

            using Image<Rgb24> sheet = ContactSheet.Create(rows, tileSize: Math.Max(generator.ImageSize, 128));
            ImageFiles.Save(sheet, sheetPath);
        }
        finally
        {
            foreach (var row in rows)
            {
                foreach (var image in row)
                {
                    image.Dispose();
                }
            }
        }

        return (modelSum / heldOut.Count, identitySum / heldOut.Count);
    }

    /// <summary>Mean absolute difference in the networks' [-1, 1] units.</summary>
    public static double MeanAbsoluteError(Image<Rgb24> a, Image<Rgb24> b)
    {
        var x = new byte[a.Width * a.Height * 3];
        var y = new byte[b.Width * b.Height * 3];
        a.CopyPixelDataTo(x);
        b.CopyPixelDataTo(y);
        long sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += Math.Abs(x[i] - y[i]);
        }

        return sum / (double)x.Length / 127.5;
    }
}
