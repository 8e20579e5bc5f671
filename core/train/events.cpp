// SPDX-License-Identifier: GPL-3.0-or-later
// EventSink helpers are header-only; this file keeps a translation unit for future sinks.
