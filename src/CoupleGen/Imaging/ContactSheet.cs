using System;
using System.Collections.Generic;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace CoupleGen.Imaging;

/// <summary>Lays out rows of images (e.g. input | generated | target) as one grid image.</summary>
public static class ContactSheet
{
    /// <summary>Builds a grid with one row per entry of <paramref name="rows"/>, each image scaled to <paramref name="tileSize"/>.</summary>
    /// <param name="rows">The rows; they may differ in length.</param>
    /// <param name="tileSize">The side of each square tile in pixels.</param>
    /// <param name="gap">Pixels between tiles. Default: 4.</param>
    /// <returns>A new image the caller owns; the gaps are white.</returns>
    /// <exception cref="ArgumentException">There are no rows or no images.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tileSize"/> or <paramref name="gap"/> is out of range.</exception>
    public static Image<Rgb24> Create(IReadOnlyList<IReadOnlyList<Image<Rgb24>>> rows, int tileSize, int gap = 4)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tileSize, 4096);
        ArgumentOutOfRangeException.ThrowIfNegative(gap);
        int columns = 0;
        foreach (var row in rows)
        {
            columns = Math.Max(columns, row.Count);
        }

        if (rows.Count == 0 || columns == 0)
        {
            throw new ArgumentException("A contact sheet needs at least one image.", nameof(rows));
        }

        int width = checked((columns * tileSize) + ((columns + 1) * gap));
        int height = checked((rows.Count * tileSize) + ((rows.Count + 1) * gap));
        var sheet = new Image<Rgb24>(width, height, Color.White.ToPixel<Rgb24>());
        sheet.Mutate(context =>
        {
            for (int r = 0; r < rows.Count; r++)
            {
                for (int c = 0; c < rows[r].Count; c++)
                {
                    using Image<Rgb24> tile = rows[r][c].Clone(x => x.Resize(tileSize, tileSize));
                    var at = new Point(gap + (c * (tileSize + gap)), gap + (r * (tileSize + gap)));
                    context.DrawImage(tile, at, 1f);
                }
            }
        });
        return sheet;
    }
}
