import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <div className="max-w-xl py-8">
      <h1 className="mb-2 text-lg font-semibold">No such page</h1>
      <p className="muted mb-4">The address does not match any page of Aurora.</p>
      <Link to="/incidents" className="button">
        Go to incidents
      </Link>
    </div>
  );
}
