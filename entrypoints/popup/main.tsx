import { render } from 'preact';
import { PopupApp } from '../../components/popup/PopupApp';
import '../../components/theme.css';
import { followStoredTheme } from '../../lib/theme';

followStoredTheme();

render(<PopupApp />, document.getElementById('app')!);
