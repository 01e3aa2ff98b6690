import { Component, type ErrorInfo, type ReactNode } from "react";

interface State {
  error: Error | null;
}

/** Shows a render error as a message instead of leaving the page blank. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("slabscope stopped rendering:", error, info.componentStack);
  }

  render() {
    if (this.state.error) {
      return (
        <div role="alert" className="alert">
          slabscope hit an error and stopped: {this.state.error.message}. Reload
          the page to start again.
        </div>
      );
    }
    return this.props.children;
  }
}
