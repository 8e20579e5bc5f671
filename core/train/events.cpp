// EventSink helpers are header-only; this file keeps a translation unit for future sinks.
