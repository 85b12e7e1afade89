// zxing_seam.cpp: the one file that includes ZXing-cpp: a second QR decoder
// behind the scanner's interface, for what ZBar cannot read (codes seen at
// an angle, moire, heavy blur). Texts are handed on as the bytes decoded.
#include <ZXing/ReadBarcode.h>

extern "C" {
#include "scanner.h"
}

extern "C" int zxing_scan(const uint8_t *grey, int w, int h, int stride, scan_result *out)
{
    try {
        ZXing::DecodeHints hints;
        hints.setFormats(ZXing::BarcodeFormat::QRCode);
        hints.setTryHarder(true);
        hints.setTryRotate(false);
        hints.setMaxNumberOfSymbols(SCAN_MAX_CODES);
        ZXing::ImageView view(grey, w, h, ZXing::ImageFormat::Lum, stride);
        for (const auto &r : ZXing::ReadBarcodes(view, hints)) {
            if (!r.isValid() || out->n >= SCAN_MAX_CODES)
                continue;
            const auto &bytes = r.bytes();
            if (bytes.size() >= SCAN_MAX_TEXT)
                continue;
            bool seen = false;
            for (int i = 0; i < out->n; i++)
                seen = seen || (out->len[i] == bytes.size() &&
                                std::equal(bytes.begin(), bytes.end(), out->text[i]));
            if (seen)
                continue;
            std::copy(bytes.begin(), bytes.end(), out->text[out->n]);
            out->text[out->n][bytes.size()] = '\0';
            out->len[out->n] = bytes.size();
            out->n++;
        }
        out->passes++;
    } catch (...) {
        // A decoder failure is a frame without a code, never a crash.
    }
    return out->n;
}
