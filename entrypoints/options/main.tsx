import { render } from 'preact';
import { OptionsApp } from '../../components/options/OptionsApp';
import '../../components/theme.css';
import { followStoredTheme } from '../../lib/theme';

followStoredTheme();

render(<OptionsApp />, document.getElementById('app')!);
